/**
 * Rules, canteens and the catalogue change over a year: a discount rule is changed or ended
 * (orders already placed keep their breakdown; new ones get the new version and name it), a
 * canteen pauses or moves its cut-offs, a dish changes price or stops being sold, a home
 * service changes price or is withdrawn. Each change is refused to people who may not make
 * it, refused with the field named when it makes no sense, and written once to the audit log.
 */
import { startTestServer, type TestServer } from '../harness/server';
import { UNKNOWN_ID, type TestUser } from './fixtures';
import type { OrderBody } from './meal-fixtures';
import { ServiceFixtures } from './service-fixtures';

// 2026-11-29 08:00 China time.
const now = new Date('2026-11-29T00:00:00Z');

let t: TestServer;
let f: ServiceFixtures;
let admin: string;
let communityId: string;
let canteenS: any;
let canteenT: any;
let staffS: TestUser;
let staffT: TestUser;
let worker: TestUser;
let elder85: { id: string };
let pork: { id: string; name: string };
let greens: { id: string };
let fishT: { id: string };

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  f = new ServiceFixtures(t);
  admin = await f.adminToken();
  communityId = (await f.community({ name: '关上社区' })).id;
  canteenS = await f.canteen(communityId, {
    name: '关上长者食堂',
    fulfilment: ['dine_in', 'take_away', 'delivery'],
    deliveryFee: 300,
  });
  canteenT = await f.canteen(communityId, { name: '世纪城便民食堂' });
  staffS = await f.user('canteen_staff', { canteenId: canteenS.id });
  staffT = await f.user('canteen_staff', { canteenId: canteenT.id });
  worker = await f.user('worker', { communityId });
  elder85 = await f.elder(worker.token, communityId, { name: '王八五', birthDate: '1941-02-03', groups: [] });
  pork = await f.dish(staffS.token, canteenS.id, '红烧肉', 1200);
  greens = await f.dish(staffS.token, canteenS.id, '清炒时蔬', 300);
  fishT = await f.dish(staffT.token, canteenT.id, '酸菜鱼', 1500);
  for (const date of ['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']) {
    await f.putMenu(staffS.token, canteenS.id, date, 'lunch', [
      { dishId: pork.id, quota: 100 },
      { dishId: greens.id, quota: 100 },
    ]);
  }
}, 120_000);
afterAll(() => t?.close());

const lunch = (date: string, extra: Partial<OrderBody> = {}): OrderBody => ({
  elderId: elder85.id,
  canteenId: canteenS.id,
  date,
  slot: 'lunch',
  items: [{ dishId: pork.id, qty: 1 }],
  ...extra,
});

const audit = async (targetType: string, targetId: string) => {
  const res = await t.api.get(`/api/audit?targetType=${targetType}&targetId=${targetId}`, { token: admin });
  expect(res.status).toBe(200);
  return res.body.items as any[];
};

const getOrder = async (id: string) =>
  (await t.api.get(`/api/meal-orders/${id}`, { token: worker.token })).body;

describe('a discount rule changes over time', () => {
  let rule: any;
  beforeAll(async () => {
    rule = await f.rule({
      name: '80岁以上助餐补贴',
      minAge: 80,
      benefit: { type: 'amount_off', value: 300 },
      fundedBy: 'government',
      validFrom: '2026-01-01',
    });
  });

  test('a change leaves placed orders as they were, prices new orders by the new version and names it', async () => {
    expect(rule.version).toBe(1);
    const before = await f.placed(worker.token, lunch('2026-12-01'));
    expect(before.pricing.discounts).toEqual([
      { ruleId: rule.id, name: '80岁以上助餐补贴', amount: 300, fundedBy: 'government', ruleVersion: 1 },
    ]);
    expect(before.pricing.payable).toBe(900);

    const res = await t.api.patch(
      `/api/discount-rules/${rule.id}`,
      {
        benefit: { type: 'amount_off', value: 500 },
        name: '80岁以上助餐补贴（新标准）',
        reason: '区民政局2026年12月新标准',
      },
      { token: admin },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: rule.id, version: 2, benefit: { type: 'amount_off', value: 500 } });

    // The order placed before the change reads back exactly as it was charged.
    expect((await getOrder(before.id)).pricing).toEqual(before.pricing);

    const after = await f.placed(worker.token, lunch('2026-12-01'));
    expect(after.pricing.discounts).toEqual([
      {
        ruleId: rule.id,
        name: '80岁以上助餐补贴（新标准）',
        amount: 500,
        fundedBy: 'government',
        ruleVersion: 2,
      },
    ]);
    expect(after.pricing.payable).toBe(700);

    // Both versions are kept, newest first, the replaced one as it was.
    const versions = await t.api.get(`/api/discount-rules/${rule.id}/versions`, { token: admin });
    expect(versions.status).toBe(200);
    expect(versions.body.items.map((v: any) => [v.version, v.current, v.rule.benefit.value])).toEqual([
      [2, true, 500],
      [1, false, 300],
    ]);
    expect(versions.body.items[0].reason).toBe('区民政局2026年12月新标准');
    expect(versions.body.items[1].rule.name).toBe('80岁以上助餐补贴');
    expect(versions.body.items[1].replacedAt).toEqual(expect.any(String));

    // The audit log has the change once, with before and after and the reason.
    const entries = await audit('discount_rule', rule.id);
    expect(entries.map((e) => e.action)).toEqual(['discount_rule.update', 'discount_rule.create']);
    expect(entries[0]).toMatchObject({ actor: { role: 'admin' }, reason: '区民政局2026年12月新标准' });
    expect(entries[0].changes).toEqual(
      expect.arrayContaining([
        {
          field: 'benefit',
          before: { type: 'amount_off', value: 300 },
          after: { type: 'amount_off', value: 500 },
        },
        { field: 'name', before: '80岁以上助餐补贴', after: '80岁以上助餐补贴（新标准）' },
      ]),
    );
    expect(entries[0].changes).toHaveLength(2);
  });

  test('an ended rule no longer applies after its last day (and still does up to it)', async () => {
    const ended = await t.api.patch(
      `/api/discount-rules/${rule.id}`,
      { validTo: '2026-12-01', reason: '政策到期' },
      { token: admin },
    );
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ validTo: '2026-12-01', version: 3 });

    const lastDay = await f.placed(worker.token, lunch('2026-12-01'));
    expect(lastDay.pricing.discounts.map((d: any) => [d.ruleId, d.ruleVersion])).toEqual([[rule.id, 3]]);
    const dayAfter = await f.placed(worker.token, lunch('2026-12-02'));
    expect(dayAfter.pricing).toEqual({ subtotal: 1200, discounts: [], deliveryFee: 0, payable: 1200 });

    const listed = await t.api.get('/api/discount-rules', { token: admin });
    expect(listed.body.items.find((r: any) => r.id === rule.id)).toMatchObject({ validTo: '2026-12-01' });
    const entries = await audit('discount_rule', rule.id);
    expect(entries[0]).toMatchObject({
      action: 'discount_rule.update',
      reason: '政策到期',
      changes: [{ field: 'validTo', after: '2026-12-01' }],
    });
    expect(entries).toHaveLength(3);
  });

  test('bad changes → 400 naming the field, and the rule stays as it was', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ validTo: '2025-12-31' }, 'validTo'], // before validFrom 2026-01-01
      [{ validFrom: '2026-12-05' }, 'validTo'], // now after validTo 2026-12-01
      [{ maxAge: 70 }, 'maxAge'], // below minAge 80
      [{ benefit: { type: 'percent_off', value: 150 } }, 'benefit.value'],
      [{ canteenId: UNKNOWN_ID }, 'canteenId'],
      [{ validTo: '2026-02-30' }, 'validTo'],
      [{ reason: '只有原因' }, '(body)'],
      [{ active: false }, 'active'],
    ];
    for (const [body, field] of cases) {
      const res = await t.api.patch(`/api/discount-rules/${rule.id}`, body, { token: admin });
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(Object.keys(res.body.error.fields)).toContain(field);
    }
    const listed = await t.api.get('/api/discount-rules', { token: admin });
    expect(listed.body.items.find((r: any) => r.id === rule.id)).toMatchObject({
      version: 3,
      validTo: '2026-12-01',
    });
    expect(await audit('discount_rule', rule.id)).toHaveLength(3);
    expect(
      (await t.api.patch(`/api/discount-rules/${UNKNOWN_ID}`, { validTo: '2026-12-31' }, { token: admin }))
        .status,
    ).toBe(404);
  });

  test('only admin changes rules or reads their versions (403 for everyone else)', async () => {
    for (const who of [worker, staffS]) {
      const res = await t.api.patch(
        `/api/discount-rules/${rule.id}`,
        { validTo: '2026-12-31' },
        { token: who.token },
      );
      expect(res.status).toBe(403);
      expect((await t.api.get(`/api/discount-rules/${rule.id}/versions`, { token: who.token })).status).toBe(
        403,
      );
    }
    expect(await audit('discount_rule', rule.id)).toHaveLength(3);
  });
  test('null clears a limit: an ended rule made open-ended again applies again', async () => {
    const res = await t.api.patch(
      `/api/discount-rules/${rule.id}`,
      { validTo: null, reason: '政策延续' },
      { token: admin },
    );
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(4);
    expect(res.body.validTo).toBeUndefined();
    const q = await f.quote(worker.token, lunch('2026-12-02'));
    expect(q.body.discounts.map((d: any) => [d.ruleId, d.amount, d.ruleVersion])).toEqual([
      [rule.id, 500, 4],
    ]);
    const entries = await audit('discount_rule', rule.id);
    expect(entries[0].changes).toEqual([{ field: 'validTo', before: '2026-12-01' }]);
    const versions = await t.api.get(`/api/discount-rules/${rule.id}/versions`, { token: admin });
    expect(versions.body.items.map((v: any) => [v.version, v.rule.validTo ?? null])).toEqual([
      [4, null],
      [3, '2026-12-01'],
      [2, null],
      [1, null],
    ]);
  });
});

describe('a dish changes price or stops being sold', () => {
  test('a new price: the menu saved after it shows it and new orders pay it; placed orders keep theirs', async () => {
    const old = await f.placed(worker.token, lunch('2026-11-30'));
    expect(old.items).toEqual([{ dishId: pork.id, name: '红烧肉', price: 1200, qty: 1 }]);

    const res = await t.api.patch(
      `/api/canteens/${canteenS.id}/dishes/${pork.id}`,
      { price: 1500, reason: '肉价上涨' },
      { token: staffS.token },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: pork.id, price: 1500, retired: false });

    // A menu published before the change keeps the price it shows (and books at it)…
    const shown = (await f.menu(canteenS.id, '2026-11-30')).slots[0].items;
    expect(shown.find((i: any) => i.dishId === pork.id).price).toBe(1200);
    // …and the menu saved after the change shows, and charges, the new price.
    await f.putMenu(staffS.token, canteenS.id, '2026-11-30', 'lunch', [
      { dishId: pork.id, quota: 100 },
      { dishId: greens.id, quota: 100 },
    ]);
    const reshown = (await f.menu(canteenS.id, '2026-11-30')).slots[0].items;
    expect(reshown.find((i: any) => i.dishId === pork.id).price).toBe(1500);
    const fresh = await f.placed(worker.token, lunch('2026-11-30'));
    expect(fresh.items[0].price).toBe(1500);
    expect(fresh.pricing.subtotal).toBe(1500);

    const again = await getOrder(old.id);
    expect(again.items[0].price).toBe(1200);
    expect(again.pricing).toEqual(old.pricing);

    const entries = await audit('dish', pork.id);
    expect(entries.map((e) => e.action)).toEqual(['dish.update', 'dish.create']);
    expect(entries[0]).toMatchObject({
      reason: '肉价上涨',
      changes: [{ field: 'price', before: 1200, after: 1500 }],
      actor: { userId: staffS.id, role: 'canteen_staff' },
    });
  });

  test('a retired dish leaves the dish picker, cannot go on a new menu, and old orders still show its name', async () => {
    const placed = await f.placed(
      worker.token,
      lunch('2026-11-30', { items: [{ dishId: greens.id, qty: 1 }] }),
    );
    const res = await t.api.patch(
      `/api/canteens/${canteenS.id}/dishes/${greens.id}`,
      { retired: true },
      { token: admin },
    );
    expect(res.status).toBe(200);
    expect(res.body.retired).toBe(true);

    const picker = await t.api.get(`/api/canteens/${canteenS.id}/dishes`, { token: staffS.token });
    expect(picker.body.items.map((d: any) => d.id)).not.toContain(greens.id);
    const all = await t.api.get(`/api/canteens/${canteenS.id}/dishes?includeRetired=true`, {
      token: staffS.token,
    });
    expect(all.body.items.find((d: any) => d.id === greens.id)).toMatchObject({ retired: true });

    const newMenu = await f.putMenuRaw(staffS.token, canteenS.id, '2026-12-03', 'lunch', [
      { dishId: pork.id, quota: 10 },
      { dishId: greens.id, quota: 10 },
    ]);
    expect(newMenu.status).toBe(400);
    expect(Object.keys(newMenu.body.error.fields)).toEqual(['items.1.dishId']);
    expect(newMenu.body.error.fields['items.1.dishId']).toContain('停售');
    // A menu that already has it (with bookings) can still be saved as it is.
    const kept = await f.putMenuRaw(staffS.token, canteenS.id, '2026-11-30', 'lunch', [
      { dishId: pork.id, quota: 100 },
      { dishId: greens.id, quota: 100 },
    ]);
    expect(kept.status).toBe(200);

    expect((await getOrder(placed.id)).items[0]).toMatchObject({ dishId: greens.id, name: '清炒时蔬' });

    // Back on sale, it may go on new menus again.
    await t.api.patch(
      `/api/canteens/${canteenS.id}/dishes/${greens.id}`,
      { retired: false },
      { token: admin },
    );
    expect(
      (
        await f.putMenuRaw(staffS.token, canteenS.id, '2026-12-03', 'lunch', [
          { dishId: greens.id, quota: 10 },
        ])
      ).status,
    ).toBe(200);
    const entries = await audit('dish', greens.id);
    expect(entries.map((e) => e.changes)).toEqual([
      [{ field: 'retired', before: true, after: false }],
      [{ field: 'retired', before: false, after: true }],
      expect.any(Array),
    ]);
  });

  test("another canteen's staff cannot touch the dish (404), nor through their own canteen's path", async () => {
    const other = await t.api.patch(
      `/api/canteens/${canteenS.id}/dishes/${pork.id}`,
      { price: 1 },
      { token: staffT.token },
    );
    expect(other.status).toBe(404);
    const viaOwn = await t.api.patch(
      `/api/canteens/${canteenT.id}/dishes/${pork.id}`,
      { price: 1 },
      { token: staffT.token },
    );
    expect(viaOwn.status).toBe(404);
    expect(
      (
        await t.api.patch(
          `/api/canteens/${canteenS.id}/dishes/${pork.id}`,
          { price: 1 },
          { token: worker.token },
        )
      ).status,
    ).toBe(403);
    const bad = await t.api.patch(
      `/api/canteens/${canteenS.id}/dishes/${pork.id}`,
      { price: -5 },
      { token: staffS.token },
    );
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(['price']);
    const dishes = (await t.api.get(`/api/canteens/${canteenS.id}/dishes`)).body.items;
    expect(dishes.find((d: any) => d.id === pork.id).price).toBe(1500);
    expect((await t.api.get(`/api/canteens/${canteenT.id}/dishes`)).body.items[0]).toMatchObject({
      id: fishT.id,
      price: 1500,
    });
    expect(await audit('dish', pork.id)).toHaveLength(2);
  });
});

describe('canteen settings', () => {
  test('a paused canteen refuses new orders with CANTEEN_CLOSED, its menus say so, and it reopens', async () => {
    const placed = await f.placed(worker.token, lunch('2026-12-02'));
    expect((await f.menu(canteenS.id, '2026-12-02')).closed).toBe(false); // read (and kept) while open
    const res = await t.api.patch(
      `/api/canteens/${canteenS.id}`,
      { closed: true, reason: '厨房检修' },
      { token: admin },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: canteenS.id, closed: true });

    const refused = await f.order(worker.token, lunch('2026-12-02'));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CANTEEN_CLOSED');
    expect(refused.body.error.message).toContain('暂停营业');
    expect((await f.quote(worker.token, lunch('2026-12-02'))).body.error.code).toBe('CANTEEN_CLOSED');
    expect((await f.menu(canteenS.id, '2026-12-02')).closed).toBe(true);
    expect((await t.api.get(`/api/canteens/${canteenS.id}`)).body.closed).toBe(true);
    // The order placed before stays placed.
    expect((await getOrder(placed.id)).status).toBe('placed');

    const open = await t.api.patch(`/api/canteens/${canteenS.id}`, { closed: false }, { token: admin });
    expect(open.body.closed).toBe(false);
    const left = await f.remaining(canteenS.id, '2026-12-02', 'lunch', pork.id);
    expect((await f.order(worker.token, lunch('2026-12-02'))).status).toBe(201);
    expect((await f.menu(canteenS.id, '2026-12-02')).closed).toBe(false);
    expect(await f.remaining(canteenS.id, '2026-12-02', 'lunch', pork.id)).toBe(left - 1); // not a kept answer

    const entries = await audit('canteen', canteenS.id);
    expect(entries.map((e) => [e.action, e.changes, e.reason])).toEqual([
      ['canteen.update', [{ field: 'closed', before: true, after: false }], undefined],
      ['canteen.update', [{ field: 'closed', before: false, after: true }], '厨房检修'],
      ['canteen.create', expect.any(Array), undefined],
    ]);
  });

  test('new cut-offs and delivery fee apply to orders after the change', async () => {
    // 08:00 now: with a 10:00 cut-off today's lunch is still open.
    expect((await f.quote(worker.token, lunch('2026-11-29'))).status).toBe(200);
    const res = await t.api.patch(
      `/api/canteens/${canteenS.id}`,
      {
        slots: [{ slot: 'lunch', cutoff: '07:30' }],
        deliveryFee: 500,
      },
      { token: admin },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ slots: [{ slot: 'lunch', cutoff: '07:30' }], deliveryFee: 500 });
    const late = await f.order(worker.token, lunch('2026-11-29'));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('PAST_CUTOFF');
    const delivered = await f.placed(worker.token, lunch('2026-12-02', { fulfilment: 'delivery' }));
    expect(delivered.pricing.deliveryFee).toBe(500);
    expect((await f.menu(canteenS.id, '2026-12-02')).slots.map((s: any) => s.slot)).toEqual(['lunch']);

    const entries = await audit('canteen', canteenS.id);
    expect(entries).toHaveLength(4);
    expect(entries[0].changes).toEqual([
      {
        field: 'slots',
        before: [
          { slot: 'lunch', cutoff: '10:00', cutoffDayBefore: false },
          { slot: 'dinner', cutoff: '15:30', cutoffDayBefore: false },
        ],
        after: [{ slot: 'lunch', cutoff: '07:30', cutoffDayBefore: false }],
      },
      { field: 'deliveryFee', before: 300, after: 500 },
    ]);
  });

  test('bad settings → 400 naming the field; only admin may change them', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        {
          slots: [
            { slot: 'lunch', cutoff: '10:00' },
            { slot: 'lunch', cutoff: '11:00' },
          ],
        },
        'slots',
      ],
      [{ slots: [{ slot: 'lunch', cutoff: '25:00' }] }, 'slots.0.cutoff'],
      [{ deliveryFee: -1 }, 'deliveryFee'],
      [{ fulfilment: [] }, 'fulfilment'],
      [{ closed: 'yes' }, 'closed'],
      [{}, '(body)'],
    ];
    for (const [body, field] of cases) {
      const res = await t.api.patch(`/api/canteens/${canteenS.id}`, body, { token: admin });
      expect([JSON.stringify(body), res.status]).toEqual([JSON.stringify(body), 400]);
      expect(Object.keys(res.body.error.fields)).toContain(field);
    }
    for (const who of [staffS, worker]) {
      expect(
        (await t.api.patch(`/api/canteens/${canteenS.id}`, { closed: true }, { token: who.token })).status,
      ).toBe(403);
    }
    expect(
      (await t.api.patch(`/api/canteens/${UNKNOWN_ID}`, { closed: true }, { token: admin })).status,
    ).toBe(404);
    expect((await t.api.get(`/api/canteens/${canteenS.id}`)).body).toMatchObject({
      closed: false,
      deliveryFee: 500,
    });
    expect(await audit('canteen', canteenS.id)).toHaveLength(4);
  });
});

describe('home-service items change price or are withdrawn', () => {
  const at = '2026-12-02T02:00:00.000Z';
  test('a new price applies to new visits; placed visits keep theirs; a retired item is neither listed nor bookable', async () => {
    const item = await f.item({ name: '上门保洁', category: 'clean', price: 3000, durationMin: 30 });
    const before = await f.visit(worker.token, elder85.id, item.id, at);
    expect(before.pricing.subtotal).toBe(3000);

    const res = await t.api.patch(
      `/api/service-items/${item.id}`,
      { price: 3500, reason: '调价' },
      { token: admin },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: item.id, price: 3500, retired: false });
    const after = await f.visit(worker.token, elder85.id, item.id, at);
    expect(after.pricing.subtotal).toBe(3500);
    const old = await t.api.get(`/api/service-orders/${before.id}`, { token: worker.token });
    expect(old.body.pricing.subtotal).toBe(3000);
    expect(old.body.item.price).toBe(3000);

    const off = await t.api.patch(`/api/service-items/${item.id}`, { retired: true }, { token: admin });
    expect(off.body.retired).toBe(true);
    const listed = await t.api.get('/api/service-items', { token: worker.token });
    expect(listed.body.items.map((i: any) => i.id)).not.toContain(item.id);
    const all = await t.api.get('/api/service-items?includeRetired=true', { token: admin });
    expect(all.body.items.find((i: any) => i.id === item.id)).toMatchObject({ retired: true, price: 3500 });
    const refused = await t.api.post(
      '/api/service-orders',
      { elderId: elder85.id, itemId: item.id, scheduledAt: at },
      { token: worker.token },
    );
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ITEM_RETIRED');
    const quoted = await t.api.post(
      '/api/service-orders/quote',
      { elderId: elder85.id, itemId: item.id, scheduledAt: at },
      { token: worker.token },
    );
    expect(quoted.status).toBe(409);
    // Visits already booked are untouched.
    expect((await t.api.get(`/api/service-orders/${after.id}`, { token: worker.token })).body.status).toBe(
      'requested',
    );

    const entries = await audit('service_item', item.id);
    expect(entries.map((e) => [e.action, e.changes])).toEqual([
      ['service_item.update', [{ field: 'retired', before: false, after: true }]],
      ['service_item.update', [{ field: 'price', before: 3000, after: 3500 }]],
      ['service_item.create', expect.any(Array)],
    ]);
    expect(entries[1].reason).toBe('调价');

    const bad = await t.api.patch(`/api/service-items/${item.id}`, { price: 1.5 }, { token: admin });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields)).toEqual(['price']);
    for (const who of [worker, staffS]) {
      expect(
        (await t.api.patch(`/api/service-items/${item.id}`, { price: 1 }, { token: who.token })).status,
      ).toBe(403);
    }
    expect(
      (await t.api.patch(`/api/service-items/${UNKNOWN_ID}`, { price: 1 }, { token: admin })).status,
    ).toBe(404);
    expect(await audit('service_item', item.id)).toHaveLength(3);
  });
});
