/**
 * The canteen counter: staff publish menus for their own canteen only, see each slot's
 * orders with per-dish totals, confirm them, and check meals out by pickup code. Staff of
 * another canteen see and change none of it.
 */
import { startTestServer, type TestServer } from '../harness/server';
import { type TestUser, UNKNOWN_ID } from './fixtures';
import { MealFixtures, type OrderBody } from './meal-fixtures';

const BEFORE = new Date('2026-11-30T00:00:00Z'); // 08:00 China time the day before
const DATE = '2026-12-01';
const SERVING = new Date('2026-12-01T04:00:00Z'); // 12:00 China time on DATE, after the 10:00 cut-off
let now = BEFORE;

let t: TestServer;
let m: MealFixtures;
let canteenA: { id: string };
let canteenB: { id: string };
let staffA: TestUser;
let staffB: TestUser;
let admin: string;
let worker: TestUser;
let elderLogin: TestUser;
let elder: { id: string };
let elder2: { id: string };
let rice: { id: string };
let soup: { id: string };
let dishB: { id: string };

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  admin = await m.adminToken();
  const comm = await m.community({ name: '关上社区' });
  canteenA = await m.canteen(comm.id, { name: '关上长者食堂' });
  canteenB = await m.canteen(comm.id, { name: '世纪城便民食堂' });
  staffA = await m.user('canteen_staff', { canteenId: canteenA.id });
  staffB = await m.user('canteen_staff', { canteenId: canteenB.id });
  worker = await m.user('worker', { communityId: comm.id });
  elder = await m.elder(worker.token, comm.id, { name: '孙淑英', groups: [] });
  elderLogin = await m.elderAccount(worker.token, elder.id);
  elder2 = await m.elder(worker.token, comm.id, { name: '周建国', groups: [] });
  rice = await m.dish(staffA.token, canteenA.id, '番茄炒蛋盖饭', 900);
  soup = await m.dish(staffA.token, canteenA.id, '紫菜蛋花汤', 200);
  dishB = await m.dish(staffB.token, canteenB.id, '酸菜鱼', 1800);
});
afterAll(() => t.close());
beforeEach(() => {
  now = BEFORE;
});

const order = (
  elderId: string,
  items: { dishId: string; qty: number }[],
  extra: Partial<OrderBody> = {},
): OrderBody => ({
  elderId,
  canteenId: canteenA.id,
  date: DATE,
  slot: 'lunch',
  items,
  ...extra,
});

describe('menus belong to their canteen', () => {
  test('staff publish a lunch menu; the public menu shows name, price and portions left', async () => {
    const res = await m.putMenuRaw(staffA.token, canteenA.id, DATE, 'lunch', [
      { dishId: rice.id, quota: 10 },
      { dishId: soup.id, quota: 20 },
    ]);
    expect(res.status).toBe(200);
    const day = await m.menu(canteenA.id, DATE);
    const lunch = day.slots.find((s: { slot: string }) => s.slot === 'lunch');
    expect(lunch.cutoffAt).toBe('2026-12-01T02:00:00.000Z');
    expect(lunch.items).toEqual([
      expect.objectContaining({ dishId: rice.id, name: '番茄炒蛋盖饭', price: 900, remaining: 10 }),
      expect.objectContaining({ dishId: soup.id, name: '紫菜蛋花汤', price: 200, remaining: 20 }),
    ]);
    const dinner = day.slots.find((s: { slot: string }) => s.slot === 'dinner');
    expect(dinner.cutoffAt).toBe('2026-12-01T07:30:00.000Z'); // 15:30 China time
  });

  test("staff of another canteen cannot publish this canteen's menu, and the menu is unchanged", async () => {
    const res = await m.putMenuRaw(staffB.token, canteenA.id, DATE, 'lunch', [
      { dishId: rice.id, quota: 999 },
    ]);
    expect([403, 404]).toContain(res.status);
    expect(await m.remaining(canteenA.id, DATE, 'lunch', rice.id)).toBe(10);
    const dinner = await m.putMenuRaw(staffB.token, canteenA.id, DATE, 'dinner', [
      { dishId: rice.id, quota: 5 },
    ]);
    expect([403, 404]).toContain(dinner.status);
    const day = await m.menu(canteenA.id, DATE);
    expect(day.slots.find((s: { slot: string }) => s.slot === 'dinner').items).toEqual([]);
  });

  test('staff of another canteen cannot add dishes to this canteen', async () => {
    const res = await t.api.post(
      `/api/canteens/${canteenA.id}/dishes`,
      { name: '冒充菜', price: 100 },
      { token: staffB.token },
    );
    expect([403, 404]).toContain(res.status);
    const dishes = await t.api.get(`/api/canteens/${canteenA.id}/dishes`);
    expect(dishes.body.items.map((d: { name: string }) => d.name)).not.toContain('冒充菜');
  });

  test("a menu naming another canteen's dish is refused (400, naming the item)", async () => {
    const res = await m.putMenuRaw(staffA.token, canteenA.id, DATE, 'dinner', [
      { dishId: soup.id, quota: 5 },
      { dishId: dishB.id, quota: 5 },
    ]);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(res.body.error.fields)).toEqual(['items.1.dishId']);
    const day = await m.menu(canteenA.id, DATE);
    expect(day.slots.find((s: { slot: string }) => s.slot === 'dinner').items).toEqual([]);
  });

  test('a menu for a slot the canteen does not serve is refused (400)', async () => {
    const res = await m.putMenuRaw(staffA.token, canteenA.id, DATE, 'breakfast', [
      { dishId: soup.id, quota: 5 },
    ]);
    expect(res.status).toBe(400);
  });

  test('a quota cannot be lowered below what is already booked (409); down to it is fine and leaves 0', async () => {
    const d = '2026-12-02';
    await m.putMenu(staffA.token, canteenA.id, d, 'lunch', [
      { dishId: rice.id, quota: 10 },
      { dishId: soup.id, quota: 10 },
    ]);
    await m.placed(elderLogin.token, order(elder.id, [{ dishId: rice.id, qty: 2 }], { date: d }));
    await m.placed(worker.token, order(elder2.id, [{ dishId: rice.id, qty: 1 }], { date: d }));
    expect(await m.remaining(canteenA.id, d, 'lunch', rice.id)).toBe(7);

    const tooLow = await m.putMenuRaw(staffA.token, canteenA.id, d, 'lunch', [
      { dishId: rice.id, quota: 2 },
      { dishId: soup.id, quota: 10 },
    ]);
    expect(tooLow.status).toBe(409);
    expect(await m.remaining(canteenA.id, d, 'lunch', rice.id)).toBe(7);

    const removed = await m.putMenuRaw(staffA.token, canteenA.id, d, 'lunch', [
      { dishId: soup.id, quota: 10 },
    ]);
    expect(removed.status).toBe(409);

    const exact = await m.putMenuRaw(staffA.token, canteenA.id, d, 'lunch', [
      { dishId: rice.id, quota: 3 },
      { dishId: soup.id, quota: 10 },
    ]);
    expect(exact.status).toBe(200);
    expect(await m.remaining(canteenA.id, d, 'lunch', rice.id)).toBe(0);
    const soldOut = await m.order(
      elderLogin.token,
      order(elder.id, [{ dishId: rice.id, qty: 1 }], { date: d }),
    );
    expect(soldOut.status).toBe(409);
    expect(soldOut.body.error.code).toBe('SOLD_OUT');

    // Raising it again opens exactly the new portions.
    await m.putMenu(staffA.token, canteenA.id, d, 'lunch', [
      { dishId: rice.id, quota: 5 },
      { dishId: soup.id, quota: 10 },
    ]);
    expect(await m.remaining(canteenA.id, d, 'lunch', rice.id)).toBe(2);
  });
});

describe('the counter: orders, confirmation and pickup', () => {
  let first: any;
  let second: any;
  let cancelled: any;

  beforeAll(async () => {
    now = BEFORE;
    first = await m.placed(
      elderLogin.token,
      order(elder.id, [
        { dishId: rice.id, qty: 1 },
        { dishId: soup.id, qty: 2 },
      ]),
    );
    second = await m.placed(
      worker.token,
      order(elder2.id, [{ dishId: rice.id, qty: 2 }], { fulfilment: 'take_away' }),
    );
    cancelled = await m.placed(
      worker.token,
      order(elder2.id, [
        { dishId: rice.id, qty: 3 },
        { dishId: soup.id, qty: 1 },
      ]),
    );
    const c = await m.cancel(worker.token, cancelled.id);
    if (c.status !== 200) throw new Error(`cancel failed: ${c.status}`);
    // Another canteen's order on the same day and slot.
    await m.putMenu(staffB.token, canteenB.id, DATE, 'lunch', [{ dishId: dishB.id, quota: 5 }]);
    await m.placed(elderLogin.token, {
      ...order(elder.id, [{ dishId: dishB.id, qty: 1 }]),
      canteenId: canteenB.id,
    });
  });

  test('staff see the lunch orders with per-dish totals that leave out the cancelled order, and no pickup codes', async () => {
    const res = await t.api.get(`/api/canteens/${canteenA.id}/orders?date=${DATE}&slot=lunch`, {
      token: staffA.token,
    });
    expect(res.status).toBe(200);
    const ids = res.body.items.map((o: { id: string }) => o.id);
    expect(ids.sort()).toEqual([first.id, second.id, cancelled.id].sort());
    expect(res.body.items.find((o: { id: string }) => o.id === cancelled.id).status).toBe('cancelled');
    const totals = Object.fromEntries(
      res.body.totals.map((x: { dishId: string; qty: number }) => [x.dishId, x.qty]),
    );
    expect(totals).toEqual({ [rice.id]: 3, [soup.id]: 2 });
    for (const o of res.body.items) expect(o).not.toHaveProperty('pickupCode');
    const text = JSON.stringify(res.body);
    for (const o of [first, second, cancelled]) expect(text).not.toContain(`"${o.pickupCode}"`);
  });

  test('the totals without a slot filter cover the whole day, and the other canteen sees only its own', async () => {
    const day = await t.api.get(`/api/canteens/${canteenA.id}/orders?date=${DATE}`, { token: staffA.token });
    expect(day.status).toBe(200);
    expect(day.body.items).toHaveLength(3);
    const theirs = await t.api.get(`/api/canteens/${canteenB.id}/orders?date=${DATE}`, {
      token: staffB.token,
    });
    expect(theirs.body.items).toHaveLength(1);
    expect(theirs.body.totals).toEqual([expect.objectContaining({ dishId: dishB.id, qty: 1 })]);
  });

  test("staff of another canteen cannot list this canteen's orders, nor read one", async () => {
    const res = await t.api.get(`/api/canteens/${canteenA.id}/orders?date=${DATE}&slot=lunch`, {
      token: staffB.token,
    });
    expect([403, 404]).toContain(res.status);
    expect(JSON.stringify(res.body)).not.toContain('孙淑英');
    const one = await t.api.get(`/api/meal-orders/${first.id}`, { token: staffB.token });
    expect([403, 404]).toContain(one.status);
    const mine = await t.api.get(`/api/meal-orders?date=${DATE}`, { token: staffB.token });
    expect(mine.body.items.map((o: { canteenId: string }) => o.canteenId)).toEqual([canteenB.id]);
  });

  test('a worker or elder cannot use the staff order list (403)', async () => {
    expect(
      (await t.api.get(`/api/canteens/${canteenA.id}/orders?date=${DATE}`, { token: worker.token })).status,
    ).toBe(403);
    expect(
      (await t.api.get(`/api/canteens/${canteenA.id}/orders?date=${DATE}`, { token: elderLogin.token }))
        .status,
    ).toBe(403);
  });

  test("staff of another canteen cannot confirm this canteen's order, and it stays placed", async () => {
    const res = await t.api.post(`/api/meal-orders/${first.id}/confirm`, {}, { token: staffB.token });
    expect([403, 404]).toContain(res.status);
    const o = await t.api.get(`/api/meal-orders/${first.id}`, { token: elderLogin.token });
    expect(o.body.status).toBe('placed');
  });

  test('the elder cannot confirm their own order (403)', async () => {
    expect(
      (await t.api.post(`/api/meal-orders/${first.id}/confirm`, {}, { token: elderLogin.token })).status,
    ).toBe(403);
  });

  test('staff confirm an order (200 confirmed); confirming it again is a conflict (409); a cancelled one cannot be confirmed', async () => {
    const res = await t.api.post(`/api/meal-orders/${first.id}/confirm`, {}, { token: staffA.token });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('confirmed');
    expect(res.body).not.toHaveProperty('pickupCode');
    const again = await t.api.post(`/api/meal-orders/${first.id}/confirm`, {}, { token: staffA.token });
    expect(again.status).toBe(409);
    const onCancelled = await t.api.post(
      `/api/meal-orders/${cancelled.id}/confirm`,
      {},
      { token: staffA.token },
    );
    expect(onCancelled.status).toBe(409);
    // The elder sees the confirmation.
    const seen = await t.api.get(`/api/meal-orders/${first.id}`, { token: elderLogin.token });
    expect(seen.body.status).toBe('confirmed');
    const list = await t.api.get(`/api/canteens/${canteenA.id}/orders?date=${DATE}&slot=lunch`, {
      token: staffA.token,
    });
    expect(list.body.items.find((o: { id: string }) => o.id === first.id).status).toBe('confirmed');
  });

  test("staff of another canteen cannot check out this canteen's pickup code", async () => {
    now = SERVING;
    const atB = await t.api.post(
      `/api/canteens/${canteenB.id}/pickups`,
      { code: first.pickupCode },
      { token: staffB.token },
    );
    expect(atB.status).toBe(404);
    const atA = await t.api.post(
      `/api/canteens/${canteenA.id}/pickups`,
      { code: first.pickupCode },
      { token: staffB.token },
    );
    expect([403, 404]).toContain(atA.status);
    const o = await t.api.get(`/api/meal-orders/${first.id}`, { token: elderLogin.token });
    expect(o.body.status).toBe('confirmed');
  });

  test('at lunchtime on the day, the pickup code checks the meal out (200 served); a second time is a conflict (409)', async () => {
    now = SERVING;
    const res = await t.api.post(
      `/api/canteens/${canteenA.id}/pickups`,
      { code: first.pickupCode },
      { token: staffA.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('served');
    expect(res.body.id).toBe(first.id);
    const again = await t.api.post(
      `/api/canteens/${canteenA.id}/pickups`,
      { code: first.pickupCode },
      { token: staffA.token },
    );
    expect(again.status).toBe(409);
    const seen = await t.api.get(`/api/meal-orders/${first.id}`, { token: elderLogin.token });
    expect(seen.body.status).toBe('served');
  });

  test('a placed (unconfirmed) order can be checked out too, naming its date explicitly on another day', async () => {
    now = new Date('2026-12-03T04:00:00Z'); // two days later
    const wrongDay = await t.api.post(
      `/api/canteens/${canteenA.id}/pickups`,
      { code: second.pickupCode },
      { token: staffA.token },
    );
    expect(wrongDay.status).toBe(404); // "today"'s codes do not include it
    const res = await t.api.post(
      `/api/canteens/${canteenA.id}/pickups`,
      { code: second.pickupCode, date: DATE },
      { token: staffA.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('served');
  });

  test('the code of a cancelled order, or a code nobody holds, is not found (404)', async () => {
    now = SERVING;
    const res = await t.api.post(
      `/api/canteens/${canteenA.id}/pickups`,
      { code: cancelled.pickupCode },
      { token: staffA.token },
    );
    expect(res.status).toBe(404);
    const used = new Set([first.pickupCode, second.pickupCode, cancelled.pickupCode]);
    const unknown = ['000000', '111111', '222222', '333333'].find((c) => !used.has(c))!;
    const none = await t.api.post(
      `/api/canteens/${canteenA.id}/pickups`,
      { code: unknown },
      { token: staffA.token },
    );
    expect(none.status).toBe(404);
    expect(none.body.error.code).toBe('NOT_FOUND');
  });

  test('a malformed pickup code is refused (400)', async () => {
    now = SERVING;
    for (const code of ['12345', '1234567', 'abcdef', '', 123456]) {
      const res = await t.api.post(`/api/canteens/${canteenA.id}/pickups`, { code }, { token: staffA.token });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const bad = await t.api.post(
      `/api/canteens/${canteenA.id}/pickups`,
      { code: '123456', date: '2026-13-01' },
      { token: staffA.token },
    );
    expect(bad.status).toBe(400);
  });

  test('a served order cannot be cancelled or confirmed any more', async () => {
    now = BEFORE; // even before the cut-off, a served order stays served
    expect((await m.cancel(elderLogin.token, first.id)).status).toBe(409);
    expect(
      (await t.api.post(`/api/meal-orders/${first.id}/confirm`, {}, { token: staffA.token })).status,
    ).toBe(409);
    const seen = await t.api.get(`/api/meal-orders/${first.id}`, { token: elderLogin.token });
    expect(seen.body.status).toBe('served');
  });

  test("pickup codes follow the China calendar day: at 00:30 China time the new day's codes work, at 23:59 the day before they do not", async () => {
    const d = '2026-12-05';
    await m.putMenu(staffA.token, canteenA.id, d, 'lunch', [{ dishId: soup.id, quota: 5 }]);
    const o = await m.placed(elderLogin.token, order(elder.id, [{ dishId: soup.id, qty: 1 }], { date: d }));
    now = new Date('2026-12-04T15:59:00Z'); // 2026-12-04 23:59 China time
    expect(
      (
        await t.api.post(
          `/api/canteens/${canteenA.id}/pickups`,
          { code: o.pickupCode },
          { token: staffA.token },
        )
      ).status,
    ).toBe(404);
    now = new Date('2026-12-04T16:30:00Z'); // 2026-12-05 00:30 China time
    const res = await t.api.post(
      `/api/canteens/${canteenA.id}/pickups`,
      { code: o.pickupCode },
      { token: staffA.token },
    );
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(o.id);
  });

  test('two counters scanning one code at once: one serves the meal, the other is told it was already served', async () => {
    const d = '2026-12-06';
    await m.putMenu(staffA.token, canteenA.id, d, 'lunch', [{ dishId: soup.id, quota: 5 }]);
    const o = await m.placed(elderLogin.token, order(elder.id, [{ dishId: soup.id, qty: 1 }], { date: d }));
    now = new Date('2026-12-06T04:00:00Z');
    const both = await Promise.all([
      t.api.post(`/api/canteens/${canteenA.id}/pickups`, { code: o.pickupCode }, { token: staffA.token }),
      t.api.post(`/api/canteens/${canteenA.id}/pickups`, { code: o.pickupCode }, { token: admin }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
  });

  test('confirming an unknown order is 404', async () => {
    expect(
      (await t.api.post(`/api/meal-orders/${UNKNOWN_ID}/confirm`, {}, { token: staffA.token })).status,
    ).toBe(404);
  });
});
