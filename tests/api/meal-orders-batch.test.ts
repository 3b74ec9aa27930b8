/**
 * Batch booking (POST /api/meal-orders/batch): a community worker books the same meal for
 * several elders in one pass and gets one result per elder — booked with a code, sold out,
 * past cut-off, not theirs — and the same Idempotency-Key again never books anyone twice.
 */
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../harness/server';
import type { TestUser } from './fixtures';
import { MealFixtures } from './meal-fixtures';

let now = new Date('2026-11-30T00:00:00Z'); // 08:00 China time
const DATE = '2026-12-01';

let t: TestServer;
let m: MealFixtures;
let canteen: { id: string };
let worker: TestUser;
let otherWorker: TestUser;
let staff: TestUser;
let elders: { id: string }[];
let stranger: { id: string };
let fish: { id: string };

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  const comm = await m.community({ name: '关上社区' });
  const other = await m.community({ name: '太和社区' });
  canteen = await m.canteen(comm.id, { name: '关上长者食堂' });
  staff = await m.user('canteen_staff', { canteenId: canteen.id });
  worker = await m.user('worker', { communityId: comm.id });
  otherWorker = await m.user('worker', { communityId: other.id });
  elders = [];
  for (const name of ['甲长者', '乙长者', '丙长者'])
    elders.push(await m.elder(worker.token, comm.id, { name, groups: [] }));
  stranger = await m.elder(otherWorker.token, other.id, { name: '外社区长者', groups: [] });
  fish = await m.dish(staff.token, canteen.id, '清蒸鲈鱼', 900);
  await m.putMenu(staff.token, canteen.id, DATE, 'lunch', [{ dishId: fish.id, quota: 2 }]);
});

afterAll(() => t?.close());

const batch = (token: string, body: Record<string, unknown>, key: string | null = randomUUID()) =>
  t.api.post('/api/meal-orders/batch', body, {
    token,
    headers: key ? { 'Idempotency-Key': key } : {},
  });

const body = (elderIds: string[]) => ({
  elderIds,
  canteenId: canteen.id,
  date: DATE,
  slot: 'lunch',
  items: [{ dishId: fish.id, qty: 1 }],
  fulfilment: 'dine_in',
});

test('one result per elder: booked with a code until sold out, another community’s elder not found', async () => {
  const key = randomUUID();
  const ids = [...elders.map((e) => e.id), stranger.id];
  const res = await batch(worker.token, body(ids), key);
  expect(res.status).toBe(200);
  const r = res.body.results;
  expect(r.map((x: { elderId: string }) => x.elderId)).toEqual(ids);
  expect(r.map((x: { status: number }) => x.status)).toEqual([201, 201, 409, 404]);
  expect(r[0].order.pickupCode).toMatch(/^\d{6}$/);
  expect(r[0].order.bookedBy).toMatchObject({ userId: worker.id, role: 'worker' });
  expect(r[2].error.code).toBe('SOLD_OUT');
  expect(r[3].order).toBeUndefined();
  expect(await m.remaining(canteen.id, DATE, 'lunch', fish.id)).toBe(0);

  // The same key again: the same orders, no second booking for anyone.
  const again = await batch(worker.token, body(ids), key);
  expect(again.status).toBe(200);
  expect(again.body.results[0].order.id).toBe(r[0].order.id);
  expect(again.body.results[1].order.id).toBe(r[1].order.id);
  const mine = await t.api.get(`/api/meal-orders?elderId=${elders[0].id}`, { token: worker.token });
  expect(mine.body.items).toHaveLength(1);
});

test('past the cut-off every line says so; no key, or a canteen staff caller, is refused', async () => {
  now = new Date('2026-12-01T03:00:00Z'); // 11:00 China time on the day
  try {
    const res = await batch(worker.token, body([elders[2].id]));
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: 409, error: { code: 'PAST_CUTOFF' } });
  } finally {
    now = new Date('2026-11-30T00:00:00Z');
  }
  expect((await batch(worker.token, body([elders[2].id]), null)).status).toBe(400);
  expect((await batch(staff.token, body([elders[2].id]))).status).toBe(403);
  expect((await batch(worker.token, body([]))).status).toBe(400);
});
