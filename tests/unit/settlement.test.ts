/** The settlement sums the JSON, XLSX and CSV share (shared/src/settlement.ts). */
import { fenToYuanText, settlementSums, type SettlementOrder } from '../../shared/src/settlement';

const order = (id: string, over: Partial<SettlementOrder> = {}): SettlementOrder => ({
  id,
  date: '2026-12-01',
  slot: 'lunch',
  elderId: 'e1',
  elderName: '张桂兰',
  status: 'collected',
  pricing: {
    subtotal: 1500,
    discounts: [{ ruleId: 'r80', name: '80岁以上', amount: 300, fundedBy: 'government' }],
    deliveryFee: 0,
    payable: 1200,
  },
  ...over,
});

test('cancelled orders are not settled; rules, funders and lines add up to the same subsidy', () => {
  const sums = settlementSums([
    order('o1'),
    order('o2', { date: '2026-11-30', slot: 'dinner' }),
    order('o3', {
      slot: 'breakfast',
      pricing: {
        subtotal: 1000,
        discounts: [
          { ruleId: 'r80', name: '80岁以上', amount: 300, fundedBy: 'government' },
          { ruleId: 'club', name: '食堂九折', amount: 70, fundedBy: 'canteen' },
        ],
        deliveryFee: 200,
        payable: 830,
      },
    }),
    order('o4', { status: 'cancelled' }),
  ]);
  expect(sums).toMatchObject({ orders: 3, subtotal: 4000, deliveryFees: 200, payable: 3230, subsidies: 970 });
  expect(sums.rules).toEqual([
    { ruleId: 'club', name: '食堂九折', fundedBy: 'canteen', count: 1, amount: 70 },
    { ruleId: 'r80', name: '80岁以上', fundedBy: 'government', count: 3, amount: 900 },
  ]);
  expect(sums.funders).toEqual([
    { fundedBy: 'canteen', count: 1, amount: 70 },
    { fundedBy: 'government', count: 3, amount: 900 },
  ]);
  // Lines by date, then slot (breakfast, lunch, dinner); an order's subsidies in breakdown order.
  expect(sums.lines.map((l) => `${l.orderId}:${l.ruleId}`)).toEqual([
    'o2:r80',
    'o3:r80',
    'o3:club',
    'o1:r80',
  ]);
  expect(sums.lines.reduce((s, l) => s + l.amount, 0)).toBe(sums.subsidies);
});

test('fen as yuan text with two decimals, exactly', () => {
  expect([0, 5, 100, 1250, 123456789, -305].map(fenToYuanText)).toEqual([
    '0.00',
    '0.05',
    '1.00',
    '12.50',
    '1234567.89',
    '-3.05',
  ]);
});
