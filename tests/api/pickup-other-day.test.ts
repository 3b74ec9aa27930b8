/**
 * The counter and another day's pickup code: still 404 (nothing to serve today), but the
 * message says whose day it is — "这是明天（12月1日）午餐的订单，请明天来取" — instead of
 * "取餐码不存在"; an unknown or cancelled code is still just unknown.
 */
import { startTestServer, type TestServer } from '../harness/server';
import type { TestUser } from './fixtures';
import { MealFixtures } from './meal-fixtures';

const now = new Date('2026-11-30T02:30:00Z'); // Monday 10:30 China time
let t: TestServer;
let m: MealFixtures;
let canteenId: string;
let staff: TestUser;
let worker: TestUser;
let elderId: string;
let dishId: string;

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  const community = await m.community();
  canteenId = (await m.canteen(community.id)).id;
  staff = await m.user('canteen_staff', { canteenId });
  worker = await m.user('worker', { communityId: community.id });
  elderId = (await m.elder(worker.token, community.id, { groups: [] })).id;
  dishId = (await m.dish(staff.token, canteenId, '清蒸鲈鱼', 900)).id;
  await m.putMenu(staff.token, canteenId, '2026-12-01', 'lunch', [{ dishId, quota: 10 }]);
  await m.putMenu(staff.token, canteenId, '2026-12-01', 'dinner', [{ dishId, quota: 10 }]);
});
afterAll(() => t?.close());

const pickup = (code: string) =>
  t.api.post(`/api/canteens/${canteenId}/pickups`, { code }, { token: staff.token });

test("tomorrow's code at today's counter: 404 saying it is tomorrow's lunch, and nothing is served", async () => {
  const o = await m.placed(worker.token, {
    elderId,
    canteenId,
    date: '2026-12-01',
    slot: 'lunch',
    items: [{ dishId, qty: 1 }],
  });
  const res = await pickup(o.pickupCode);
  expect(res.status).toBe(404);
  expect(res.body.error).toMatchObject({
    code: 'NOT_FOUND',
    message: '这是明天（12月1日）午餐的订单，请明天来取',
    orderDate: '2026-12-01',
    slot: 'lunch',
  });
  const still = await t.api.get(`/api/meal-orders/${o.id}`, { token: worker.token });
  expect(still.body.status).toBe('placed');
});

test('an unknown code, or a cancelled order of tomorrow, is still "取餐码不存在"', async () => {
  const o = await m.placed(worker.token, {
    elderId,
    canteenId,
    date: '2026-12-01',
    slot: 'dinner',
    items: [{ dishId, qty: 1 }],
  });
  expect((await m.cancel(worker.token, o.id)).status).toBe(200);
  for (const code of [o.pickupCode === '000000' ? '000001' : '000000', o.pickupCode]) {
    const res = await pickup(code);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('取餐码不存在');
  }
});
