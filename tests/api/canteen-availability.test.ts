/**
 * The live canteen list: each canteen says, for every meal of today and tomorrow (China
 * dates), whether it can still be booked — open, sold out (no portion left of any dish) or
 * closed (cut-off passed, no menu published, canteen paused) — so nobody picks a meal that
 * cannot be had.
 */
import { startTestServer, type TestServer } from '../harness/server';
import { BASE, type TestUser } from './fixtures';
import { MealFixtures } from './meal-fixtures';

let now = new Date('2026-12-01T01:00:00Z'); // 2026-12-01 09:00 China time
const at = (iso: string) => (now = new Date(iso));
const TODAY = '2026-12-01';
const TOMORROW = '2026-12-02';

let t: TestServer;
let m: MealFixtures;
let comm: { id: string };
let canteen: { id: string };
let paused: { id: string };
let staff: TestUser;
let worker: TestUser;
let elder: { id: string };

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  comm = await m.community({ name: '关上社区' });
  canteen = await m.canteen(comm.id, {
    name: '关上长者食堂',
    location: BASE,
    slots: [
      { slot: 'breakfast', cutoff: '07:00' },
      { slot: 'lunch', cutoff: '10:00' },
      { slot: 'dinner', cutoff: '16:00' },
    ],
  });
  paused = await m.canteen(comm.id, {
    name: '世纪城长者食堂',
    location: { lng: BASE.lng + 0.01, lat: BASE.lat },
    slots: [{ slot: 'lunch', cutoff: '10:00' }],
  });
  staff = await m.user('canteen_staff', { canteenId: canteen.id });
  worker = await m.user('worker', { communityId: comm.id });
  elder = await m.elder(worker.token, comm.id, { name: '李秀兰' });
  const fish = await m.dish(staff.token, canteen.id, '清蒸鲈鱼', 1500);
  const soup = await m.dish(staff.token, canteen.id, '老鸭汤', 800);
  for (const slot of ['breakfast', 'lunch', 'dinner'] as const)
    await m.putMenu(staff.token, canteen.id, TODAY, slot, [{ dishId: fish.id, quota: 5 }]);
  // Lunch: two dishes, one portion each — both booked, so lunch is sold out.
  await m.putMenu(staff.token, canteen.id, TODAY, 'lunch', [
    { dishId: fish.id, quota: 1 },
    { dishId: soup.id, quota: 1 },
  ]);
  await m.placed(worker.token, {
    elderId: elder.id,
    canteenId: canteen.id,
    date: TODAY,
    slot: 'lunch',
    items: [
      { dishId: fish.id, qty: 1 },
      { dishId: soup.id, qty: 1 },
    ],
  });
  // Tomorrow only lunch is published.
  await m.putMenu(staff.token, canteen.id, TOMORROW, 'lunch', [{ dishId: fish.id, quota: 5 }]);
  const pausedStaff = await m.user('canteen_staff', { canteenId: paused.id });
  const dish = await m.dish(pausedStaff.token, paused.id, '红烧肉', 1200);
  await m.putMenu(pausedStaff.token, paused.id, TODAY, 'lunch', [{ dishId: dish.id, quota: 5 }]);
  const res = await t.api.patch(
    `/api/canteens/${paused.id}`,
    { closed: true, reason: '装修' },
    { token: await m.adminToken() },
  );
  expect(res.status).toBe(200);
});
afterAll(() => t?.close());

const nearby = async () => {
  const res = await t.api.get(`/api/canteens?lng=${BASE.lng}&lat=${BASE.lat}&radius=5000`);
  expect(res.status).toBe(200);
  return res.body.items as any[];
};
const states = (c: any) =>
  Object.fromEntries(c.upcoming.map((u: any) => [`${u.date} ${u.slot}`, u.availability]));

test('open, sold out and past the cut-off, per meal of today and tomorrow', async () => {
  at('2026-12-01T01:00:00Z'); // 09:00
  const [first, second] = await nearby();
  expect(first.id).toBe(canteen.id);
  expect(first.name).toBe('关上长者食堂'); // the existing fields stay
  expect(first.distanceM).toBe(0);
  expect(states(first)).toEqual({
    [`${TODAY} breakfast`]: 'closed', // 07:00 has passed
    [`${TODAY} lunch`]: 'sold_out', // every dish booked out
    [`${TODAY} dinner`]: 'open',
    [`${TOMORROW} breakfast`]: 'closed', // no menu published
    [`${TOMORROW} lunch`]: 'open',
    [`${TOMORROW} dinner`]: 'closed',
  });
  expect(first.upcoming[2]).toMatchObject({
    date: TODAY,
    slot: 'dinner',
    cutoffAt: '2026-12-01T08:00:00.000Z',
  });
  // A paused canteen takes nothing, even with a published menu before its cut-off.
  expect(second.id).toBe(paused.id);
  expect(states(second)).toEqual({ [`${TODAY} lunch`]: 'closed', [`${TOMORROW} lunch`]: 'closed' });
});

test('the clock moves on: dinner closes at its cut-off; the list without a location carries it too', async () => {
  at('2026-12-01T07:59:00Z'); // 15:59
  expect(states((await nearby())[0])[`${TODAY} dinner`]).toBe('open');
  at('2026-12-01T08:00:00Z'); // 16:00
  expect(states((await nearby())[0])[`${TODAY} dinner`]).toBe('closed');
  const all = await t.api.get(`/api/canteens?communityId=${comm.id}`);
  const mine = all.body.items.find((c: any) => c.id === canteen.id);
  expect(states(mine)[`${TOMORROW} lunch`]).toBe('open');
  // After midnight China time "today" is the next day.
  at('2026-12-01T16:30:00Z'); // 2026-12-02 00:30
  const next = (await nearby())[0];
  expect(next.upcoming.map((u: any) => u.date)).toEqual([
    TOMORROW,
    TOMORROW,
    TOMORROW,
    '2026-12-03',
    '2026-12-03',
    '2026-12-03',
  ]);
  expect(states(next)[`${TOMORROW} lunch`]).toBe('open');
});
