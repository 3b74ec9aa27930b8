import { SettlementQuerySchema, settlementSums, SummaryQuerySchema } from '@yiyangtong/shared';
import { forbidden, validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import type { MealOrderDoc } from '../orders/model';
import { summary } from './summary';
import type { CardEntryDoc } from '../cards/model';
import { paymentView } from '../orders/service';
import { dashboardRoutes } from './dashboard-routes';
import { settlementExportRoutes, settlementOrder } from './settlement-export';
import { assertStaffOf, findCanteen } from '../places/service';
import { ordersOfCanteenMonth } from '../orders/queries';
import { entriesOfCanteenMonth } from '../cards/queries';

export function reportRoutes(api: Api): void {
  dashboardRoutes(api);
  settlementExportRoutes(api);
  api.add({
    method: 'get',
    path: '/api/reports/summary',
    tag: 'reports',
    summary:
      '统计：助餐、补贴、上门服务（按状态）、服务时长、满意度、紧急呼叫与响应用时中位数（管理员：全区；助老员：本社区）',
    access: ['admin', 'worker'],
    rules: { 'query.to': '不早于 from，且区间最长一年' },
    query: SummaryQuerySchema,
    handler: async ({ query, actor }) => {
      // Years are four digits: '0412' + 1 must read '0413', or any range would pass.
      if (query.to > `${String(Number(query.from.slice(0, 4)) + 1).padStart(4, '0')}${query.from.slice(4)}`)
        throw validationFailed({ 'query.to': '统计区间最长一年' });
      if (actor.role === 'worker') {
        if (!actor.communityId || (query.communityId && query.communityId !== actor.communityId))
          throw forbidden();
        return summary(query.from, query.to, actor.communityId);
      }
      return summary(query.from, query.to, query.communityId);
    },
  });

  api.add({
    method: 'get',
    path: '/api/reports/settlement',
    tag: 'reports',
    summary: '食堂月度结算：按规则、按出资方的笔数与金额（取自订单中保存的价格明细）',
    access: ['admin', 'canteen_staff'],
    otherStatuses: [404],
    query: SettlementQuerySchema,
    handler: async ({ query, actor }) => {
      assertStaffOf(actor, query.canteenId);
      await findCanteen(query.canteenId);
      // One equality key per canteen and month (index-backed); cancelled orders are not settled.
      const [monthOrders, ledger] = await Promise.all([
        ordersOfCanteenMonth(query.canteenId, query.month),
        entriesOfCanteenMonth(query.canteenId, query.month),
      ]);
      const sums = settlementSums(monthOrders.map(settlementOrder));
      return {
        ...paymentsAndLedger(monthOrders, ledger),
        canteenId: query.canteenId,
        month: query.month,
        orders: sums.orders,
        subtotal: sums.subtotal,
        deliveryFees: sums.deliveryFees,
        payable: sums.payable,
        subsidies: sums.subsidies,
        rules: sums.rules,
        funders: sums.funders,
        items: sums.rules,
      };
    },
  });
}

/**
 * What elders paid, by card and at the counter, and the card payments reconciled against
 * the ledger: for every card-paid order of the month the ledger must hold its payment (and
 * its refund when cancelled) for exactly the order's amount, and nothing else.
 */
function paymentsAndLedger(orders: MealOrderDoc[], entries: CardEntryDoc[]) {
  const card = { orders: 0, paid: 0, refunded: 0, net: 0 };
  const counter = { orders: 0, payable: 0, collectedOrders: 0, collected: 0, toCollect: 0 };
  const expected = new Map<string, number>(); // entry id → amount the order says
  for (const o of orders) {
    const p = paymentView(o);
    if (p.method === 'card') {
      if (p.amount <= 0) continue;
      card.orders += 1;
      card.paid += p.amount;
      expected.set(`pay:${String(o._id)}`, -p.amount);
      if (o.status === 'cancelled') {
        card.refunded += p.amount;
        expected.set(`refund:${String(o._id)}`, p.amount);
      }
    } else if (o.status !== 'cancelled') {
      counter.orders += 1;
      counter.payable += p.amount;
      if (p.status === 'paid') {
        counter.collectedOrders += 1;
        counter.collected += p.amount;
      } else counter.toCollect += p.amount;
    }
  }
  card.net = card.paid - card.refunded;
  const counted = entries.filter((e) => e.state === 'applied');
  const ledger = {
    payments: -counted.filter((e) => e.kind === 'payment').reduce((sum, e) => sum + e.amount, 0),
    refunds: counted.filter((e) => e.kind === 'refund').reduce((sum, e) => sum + e.amount, 0),
    net: 0,
    entries: counted.length,
    mismatches: [] as { entryId: string; expected: number | null; ledger: number | null }[],
  };
  ledger.net = ledger.payments - ledger.refunds;
  const seen = new Set<string>();
  for (const e of counted) {
    seen.add(e._id);
    const want = expected.get(e._id);
    if (want !== e.amount)
      ledger.mismatches.push({ entryId: e._id, expected: want ?? null, ledger: e.amount });
  }
  for (const [id, amount] of expected)
    if (!seen.has(id)) ledger.mismatches.push({ entryId: id, expected: amount, ledger: null });
  return { payments: { card, counter }, ledger: { ...ledger, reconciled: ledger.mismatches.length === 0 } };
}
