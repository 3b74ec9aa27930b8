/**
 * What an elder pays and what the government reimburses: age-band and 低保/特困 rules,
 * one subsidised meal per slot and day, delivery fees outside the discounts, the quote
 * equal to the order, and a monthly settlement that adds up the stored breakdowns.
 */
import { startTestServer, type TestServer } from '../harness/server';
import type { TestUser } from './fixtures';
import { MealFixtures, type OrderBody, type Slot } from './meal-fixtures';

const now = new Date('2026-11-29T00:00:00Z');

let t: TestServer;
let m: MealFixtures;
let admin: string;
let canteenS: { id: string };
let canteenT: { id: string };
let staffS: TestUser;
let staffT: TestUser;
let worker: TestUser;
let pork: { id: string };
let greens: { id: string };
let fishT: { id: string };
const elders: Record<string, { id: string }> = {};
const rules: Record<string, { id: string; name: string }> = {};

const RULES = {
  r60: {
    name: '60至69岁助餐优惠',
    minAge: 60,
    maxAge: 69,
    benefit: { type: 'amount_off', value: 100 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom: '2026-01-01',
  },
  r70: {
    name: '70至79岁助餐优惠',
    minAge: 70,
    maxAge: 79,
    benefit: { type: 'amount_off', value: 200 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom: '2026-01-01',
  },
  r80: {
    name: '80岁以上助餐优惠',
    minAge: 80,
    benefit: { type: 'amount_off', value: 300 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom: '2026-01-01',
  },
  poor: {
    name: '低保特困午餐2元',
    groups: ['dibao', 'tekun'],
    slots: ['lunch'],
    benefit: { type: 'fixed_price', value: 200 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    priority: 10,
    validFrom: '2026-01-01',
  },
} as const;

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  admin = await m.adminToken();
  const comm = await m.community({ name: '关上社区' });
  canteenS = await m.canteen(comm.id, {
    name: '关上长者食堂',
    fulfilment: ['dine_in', 'take_away', 'delivery'],
    deliveryFee: 300,
  });
  canteenT = await m.canteen(comm.id, { name: '世纪城便民食堂' });
  staffS = await m.user('canteen_staff', { canteenId: canteenS.id });
  staffT = await m.user('canteen_staff', { canteenId: canteenT.id });
  worker = await m.user('worker', { communityId: comm.id });
  const mk = async (key: string, name: string, birthDate: string, groups: string[]) => {
    elders[key] = await m.elder(worker.token, comm.id, { name, birthDate, groups });
  };
  await mk('e65', '吴六五', '1961-04-10', []);
  await mk('e75', '郑七五', '1951-06-01', []);
  await mk('e85', '王八五', '1941-02-03', []);
  await mk('dibao', '冯低保', '1958-08-08', ['dibao']);
  await mk('tekun', '陈特困', '1935-01-01', ['tekun']);
  await mk('birthday', '褚生日', '1956-12-01', []);
  for (const [key, body] of Object.entries(RULES)) rules[key] = await m.rule(body);
  rules.member = await m.rule({
    name: '食堂晚餐九折',
    canteenId: canteenS.id,
    slots: ['dinner'],
    benefit: { type: 'percent_off', value: 10 },
    fundedBy: 'canteen',
    stackable: true,
    validFrom: '2026-01-01',
  });
  pork = await m.dish(staffS.token, canteenS.id, '红烧肉', 1200);
  greens = await m.dish(staffS.token, canteenS.id, '清炒时蔬', 300);
  fishT = await m.dish(staffT.token, canteenT.id, '酸菜鱼', 1500);
  for (const date of ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-31']) {
    for (const slot of ['lunch', 'dinner'] as const) {
      await m.putMenu(staffS.token, canteenS.id, date, slot, [
        { dishId: pork.id, quota: 100 },
        { dishId: greens.id, quota: 100 },
      ]);
    }
    await m.putMenu(staffT.token, canteenT.id, date, 'lunch', [{ dishId: fishT.id, quota: 100 }]);
  }
});
afterAll(() => t.close());

/** A ¥15 meal (红烧肉 ¥12 + 时蔬 ¥3) at canteen S. */
const meal = (
  elderKey: string,
  date = '2026-12-01',
  slot: Slot = 'lunch',
  extra: Partial<OrderBody> = {},
): OrderBody => ({
  elderId: elders[elderKey].id,
  canteenId: canteenS.id,
  date,
  slot,
  items: [
    { dishId: pork.id, qty: 1 },
    { dishId: greens.id, qty: 1 },
  ],
  ...extra,
});
const off = (key: string, amount: number) => ({
  ruleId: rules[key].id,
  name: rules[key].name,
  amount,
  fundedBy: key === 'member' ? 'canteen' : 'government',
  ruleVersion: 1,
});
type Pricing = { subtotal: number; discounts: { amount: number }[]; deliveryFee: number; payable: number };
const balances = (p: Pricing) =>
  p.subtotal - p.discounts.reduce((s, d) => s + d.amount, 0) + p.deliveryFee === p.payable;

/** Quotes, then orders, as the worker; returns both pricing objects. */
async function quoteThenOrder(body: OrderBody): Promise<{ quoted: Pricing; order: any }> {
  const q = await m.quote(worker.token, body);
  expect(q.status).toBe(200);
  const o = await m.order(worker.token, body);
  expect(o.status).toBe(201);
  // Every breakdown adds up: payable = subtotal − Σ discounts + delivery fee.
  expect(balances(q.body)).toBe(true);
  expect(balances(o.body.pricing)).toBe(true);
  return { quoted: q.body, order: o.body };
}

describe('what an elder pays for a ¥15 lunch', () => {
  test.each([
    ['a 65-year-old pays ¥14 (¥1 off)', 'e65', [['r60', 100]], 1400],
    ['a 75-year-old pays ¥13 (¥2 off)', 'e75', [['r70', 200]], 1300],
    ['an 85-year-old pays ¥12 (¥3 off)', 'e85', [['r80', 300]], 1200],
    ['a 低保 elder of 68 pays ¥2 (the fixed price beats the age discount)', 'dibao', [['poor', 1300]], 200],
    ['a 特困 elder of 91 pays ¥2 (the fixed price beats ¥3 off)', 'tekun', [['poor', 1300]], 200],
  ] as [string, string, [string, number][], number][])(
    "%s, and the quote is exactly the order's price",
    async (_name, key, discounts, payable) => {
      const before = await m.remaining(canteenS.id, '2026-12-01', 'lunch', pork.id);
      const q = await m.quote(worker.token, meal(key));
      expect(q.status).toBe(200);
      expect(q.body).toEqual({
        subtotal: 1500,
        discounts: discounts.map(([r, a]) => off(r, a)),
        deliveryFee: 0,
        payable,
      });
      // A quote stores nothing and takes no portion.
      expect(await m.remaining(canteenS.id, '2026-12-01', 'lunch', pork.id)).toBe(before);
      const o = await m.order(worker.token, meal(key));
      expect(o.status).toBe(201);
      expect(o.body.pricing).toEqual(q.body);
      // The stored order reads back with the same breakdown.
      const stored = await t.api.get(`/api/meal-orders/${o.body.id}`, { token: worker.token });
      expect(stored.body.pricing).toEqual(q.body);
    },
  );

  test('an elder turning 70 on the day gets the 70+ discount that day and the 60–69 one the day before', async () => {
    const eve = await m.quote(worker.token, meal('birthday', '2026-11-30'));
    expect(eve.body.discounts).toEqual([off('r60', 100)]);
    const day = await m.quote(worker.token, meal('birthday', '2026-12-01'));
    expect(day.body.discounts).toEqual([off('r70', 200)]);
  });
});

describe('one subsidised meal per elder per slot and day', () => {
  let firstLunch: any;
  test("the 85-year-old's second lunch the same day is full price, quoted and ordered alike", async () => {
    const orders = await t.api.get(`/api/meal-orders?elderId=${elders.e85.id}&date=2026-12-01`, {
      token: worker.token,
    });
    firstLunch = orders.body.items.find((o: any) => o.slot === 'lunch' && o.status === 'placed');
    expect(firstLunch.pricing.discounts).toEqual([off('r80', 300)]);
    const { quoted, order } = await quoteThenOrder(meal('e85'));
    // …and says in words why the subsidy is missing.
    expect(quoted).toEqual({
      subtotal: 1500,
      discounts: [],
      deliveryFee: 0,
      payable: 1500,
      capNote: '每人每餐限补贴1份，这是第2份，不享受「80岁以上助餐优惠」',
    });
    expect(order.pricing).toEqual(quoted);
  });

  test("the same day's dinner is subsidised again (the cap is per slot), with the canteen's 10% stacked on what remains", async () => {
    const { quoted, order } = await quoteThenOrder(meal('e85', '2026-12-01', 'dinner'));
    // ¥3 off ¥15 = ¥12, then 10% of ¥12 = ¥1.20
    expect(quoted).toEqual({
      subtotal: 1500,
      discounts: [off('r80', 300), off('member', 120)],
      deliveryFee: 0,
      payable: 1080,
    });
    expect(order.pricing).toEqual(quoted);
  });

  test('cancelling the subsidised lunch frees the subsidy for the next lunch order', async () => {
    const c = await m.cancel(worker.token, firstLunch.id);
    expect(c.status).toBe(200);
    const { quoted, order } = await quoteThenOrder(meal('e85'));
    expect(quoted.discounts).toEqual([off('r80', 300)]);
    expect(order.pricing).toEqual({
      subtotal: 1500,
      discounts: [off('r80', 300)],
      deliveryFee: 0,
      payable: 1200,
    });
    // …and the one after that is full price again.
    expect((await m.quote(worker.token, meal('e85'))).body.discounts).toEqual([]);
  });

  test('the 低保 fixed price is for lunch only: at dinner the 68-year-old gets the age discount', async () => {
    const { quoted, order } = await quoteThenOrder(meal('dibao', '2026-12-01', 'dinner'));
    // ¥1 off ¥15 = ¥14, then 10% of ¥14 = ¥1.40
    expect(quoted).toEqual({
      subtotal: 1500,
      discounts: [off('r60', 100), off('member', 140)],
      deliveryFee: 0,
      payable: 1260,
    });
    expect(order.pricing).toEqual(quoted);
  });
});

describe('home delivery', () => {
  test("delivery adds the canteen's ¥3 fee, untouched by discounts: payable = subtotal − discounts + fee", async () => {
    const { quoted, order } = await quoteThenOrder(
      meal('e65', '2026-12-02', 'lunch', { fulfilment: 'delivery' }),
    );
    expect(quoted).toEqual({ subtotal: 1500, discounts: [off('r60', 100)], deliveryFee: 300, payable: 1700 });
    expect(order.pricing).toEqual(quoted);
    expect(order.fulfilment).toBe('delivery');
    expect(order.address).toBeTruthy();
  });

  test('a ¥2 低保 lunch delivered costs ¥5: the fixed price covers the food, not the fee', async () => {
    const { quoted, order } = await quoteThenOrder(
      meal('dibao', '2026-12-02', 'lunch', { fulfilment: 'delivery', address: '关上街道幸福小区5栋' }),
    );
    expect(quoted).toEqual({
      subtotal: 1500,
      discounts: [off('poor', 1300)],
      deliveryFee: 300,
      payable: 500,
    });
    expect(order.pricing).toEqual(quoted);
    expect(order.address).toBe('关上街道幸福小区5栋');
  });

  test('a canteen without delivery refuses a delivery order (400) and charges no fee for dine-in', async () => {
    const body: OrderBody = {
      elderId: elders.e75.id,
      canteenId: canteenT.id,
      date: '2026-12-02',
      slot: 'lunch',
      items: [{ dishId: fishT.id, qty: 1 }],
      fulfilment: 'delivery',
    };
    expect((await m.order(worker.token, body)).status).toBe(400);
    const ok = await m.order(worker.token, { ...body, fulfilment: 'dine_in' });
    expect(ok.status).toBe(201);
    expect(ok.body.pricing).toEqual({
      subtotal: 1500,
      discounts: [off('r70', 200)],
      deliveryFee: 0,
      payable: 1300,
    });
  });
});

describe('discount rules are set by the district office only, and checked', () => {
  const valid = RULES.r70;

  test.each([
    ['a percent_off of 150%', { ...valid, name: '坏规则1', benefit: { type: 'percent_off', value: 150 } }],
    [
      'a validTo before validFrom',
      { ...valid, name: '坏规则2', validFrom: '2026-06-01', validTo: '2026-05-31' },
    ],
    ['an unknown canteen', { ...valid, name: '坏规则3', canteenId: 'aaaaaaaaaaaaaaaaaaaaaaaa' }],
    ['a negative amount', { ...valid, name: '坏规则4', benefit: { type: 'amount_off', value: -100 } }],
    [
      'a fractional amount (money is whole fen)',
      { ...valid, name: '坏规则5', benefit: { type: 'amount_off', value: 0.5 } },
    ],
    ['no funder', { name: '坏规则6', benefit: { type: 'amount_off', value: 100 }, validFrom: '2026-01-01' }],
    ['an unknown group', { ...valid, name: '坏规则7', groups: ['vip'] }],
  ])('a rule with %s is refused (400) and never listed', async (_what, body) => {
    const res = await t.api.post('/api/discount-rules', body, { token: admin });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const list = await t.api.get('/api/discount-rules', { token: admin });
    expect(list.body.items.map((r: { name: string }) => r.name)).not.toContain(body.name);
  });

  test('a worker or canteen staff cannot create rules (403)', async () => {
    for (const token of [worker.token, staffS.token]) {
      const res = await t.api.post('/api/discount-rules', { ...valid, name: '越权规则' }, { token });
      expect(res.status).toBe(403);
    }
    const list = await t.api.get('/api/discount-rules', { token: admin });
    expect(list.body.items.map((r: { name: string }) => r.name)).not.toContain('越权规则');
  });

  test('the rule list shows the five rules that were created', async () => {
    const list = await t.api.get('/api/discount-rules', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.items.map((r: { id: string }) => r.id).sort()).toEqual(
      Object.values(rules)
        .map((r) => r.id)
        .sort(),
    );
  });
});

describe('monthly settlement adds up the stored price breakdowns', () => {
  beforeAll(async () => {
    // A November order, a New Year's Eve order, and another cancelled subsidised one.
    await m.placed(worker.token, meal('e65', '2026-11-30'));
    await m.placed(worker.token, meal('e75', '2026-12-31'));
    const gone = await m.placed(worker.token, meal('tekun', '2026-12-31'));
    expect((await m.cancel(worker.token, gone.id)).status).toBe(200);
  });

  async function ordersOf(canteenId: string, month: string) {
    const res = await t.api.get('/api/meal-orders', { token: admin });
    expect(res.status).toBe(200);
    return res.body.items.filter((o: any) => o.canteenId === canteenId && o.date.startsWith(month));
  }

  function expected(orders: any[]) {
    const byRule: Record<string, { count: number; amount: number }> = {};
    const byFunder: Record<string, { count: number; amount: number }> = {};
    for (const o of orders) {
      if (o.status === 'cancelled') continue;
      for (const d of o.pricing.discounts) {
        byRule[d.ruleId] ??= { count: 0, amount: 0 };
        byRule[d.ruleId].count += 1;
        byRule[d.ruleId].amount += d.amount;
        byFunder[d.fundedBy] ??= { count: 0, amount: 0 };
        byFunder[d.fundedBy].count += 1;
        byFunder[d.fundedBy].amount += d.amount;
      }
    }
    return { byRule, byFunder };
  }

  const asMap = (xs: any[], key: string) =>
    Object.fromEntries(xs.map((x) => [x[key], { count: x.count, amount: x.amount }]));

  test("December's settlement for the canteen equals the sum over its non-cancelled December orders", async () => {
    const orders = await ordersOf(canteenS.id, '2026-12');
    // The data is worth adding up: both funders, and cancelled subsidised orders to leave out.
    expect(orders.some((o: any) => o.status === 'cancelled' && o.pricing.discounts.length > 0)).toBe(true);
    const exp = expected(orders);
    expect(Object.keys(exp.byFunder).sort()).toEqual(['canteen', 'government']);

    const res = await t.api.get(`/api/reports/settlement?canteenId=${canteenS.id}&month=2026-12`, {
      token: admin,
    });
    expect(res.status).toBe(200);
    expect(asMap(res.body.rules, 'ruleId')).toEqual(exp.byRule);
    expect(asMap(res.body.funders, 'fundedBy')).toEqual(exp.byFunder);

    // Spelled out for this data: e65, e75, e85 ×2 (one cancelled), 低保 ×2, 特困 lunches, two dinners,
    // two deliveries and the New Year's Eve lunch.
    const live = orders.filter((o: any) => o.status !== 'cancelled');
    expect(res.body.orders).toBe(live.length);
    expect(res.body.subtotal).toBe(live.reduce((s: number, o: any) => s + o.pricing.subtotal, 0));
    expect(res.body.payable).toBe(live.reduce((s: number, o: any) => s + o.pricing.payable, 0));
    expect(res.body.deliveryFees).toBe(600);
    expect(exp.byRule[rules.poor.id]).toEqual({ count: 3, amount: 3900 }); // 低保 lunch, 特困 lunch, 低保 delivered lunch
    expect(exp.byRule[rules.r80.id]).toEqual({ count: 2, amount: 600 }); // the re-booked lunch and the dinner
    expect(exp.byRule[rules.member.id]).toEqual({ count: 2, amount: 260 });
  });

  test("the canteen's own staff get the same settlement; November holds only November's order", async () => {
    const admins = await t.api.get(`/api/reports/settlement?canteenId=${canteenS.id}&month=2026-12`, {
      token: admin,
    });
    const staffs = await t.api.get(`/api/reports/settlement?canteenId=${canteenS.id}&month=2026-12`, {
      token: staffS.token,
    });
    expect(staffs.status).toBe(200);
    expect(asMap(staffs.body.rules, 'ruleId')).toEqual(asMap(admins.body.rules, 'ruleId'));
    expect(asMap(staffs.body.funders, 'fundedBy')).toEqual(asMap(admins.body.funders, 'fundedBy'));

    const nov = await t.api.get(`/api/reports/settlement?canteenId=${canteenS.id}&month=2026-11`, {
      token: staffS.token,
    });
    expect(nov.status).toBe(200);
    expect(asMap(nov.body.rules, 'ruleId')).toEqual({ [rules.r60.id]: { count: 1, amount: 100 } });
    expect(asMap(nov.body.funders, 'fundedBy')).toEqual({ government: { count: 1, amount: 100 } });
  });

  test("another canteen's settlement holds only its own orders", async () => {
    const orders = await ordersOf(canteenT.id, '2026-12');
    expect(orders.length).toBeGreaterThan(0);
    const res = await t.api.get(`/api/reports/settlement?canteenId=${canteenT.id}&month=2026-12`, {
      token: staffT.token,
    });
    expect(res.status).toBe(200);
    expect(asMap(res.body.rules, 'ruleId')).toEqual(expected(orders).byRule);
    expect(asMap(res.body.funders, 'fundedBy')).toEqual({ government: { count: 1, amount: 200 } });
  });

  test("staff of another canteen cannot see this canteen's settlement; workers and elders cannot either", async () => {
    const res = await t.api.get(`/api/reports/settlement?canteenId=${canteenS.id}&month=2026-12`, {
      token: staffT.token,
    });
    expect([403, 404]).toContain(res.status);
    expect(res.body).not.toHaveProperty('rules');
    expect(
      (
        await t.api.get(`/api/reports/settlement?canteenId=${canteenS.id}&month=2026-12`, {
          token: worker.token,
        })
      ).status,
    ).toBe(403);
  });

  test('a malformed month is refused (400)', async () => {
    for (const month of ['2026-13', '2026-1', '202612', '']) {
      const res = await t.api.get(`/api/reports/settlement?canteenId=${canteenS.id}&month=${month}`, {
        token: admin,
      });
      expect(res.status).toBe(400);
    }
  });
});
