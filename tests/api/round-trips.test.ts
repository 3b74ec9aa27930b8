/**
 * Database round trips per order, counted with the driver's command events: each one is a
 * wait on the database, and at the lunch rush they add up. A new order costs: the
 * Idempotency-Key (with the attempt's marker, in the same insert), the elder, the stock, the subsidy claim (only when a capped rule
 * discounts it), the order itself, the day's counter for the district's figures, and
 * deleting the attempt's marker (what crash recovery looks for). The one-live-meal rule
 * (409 ALREADY_BOOKED) rides on the order's own unique `liveSlot`: no extra trip for a first meal.
 * One order alone costs each of these; orders placed together share their inserts (db/batched-writes.ts).
 */
import mongoose from 'mongoose';
import { startTestServer, type TestServer } from '../harness/server';
import type { TestUser } from './fixtures';
import { MealFixtures, type OrderBody } from './meal-fixtures';
import { activeRules, forgetRules } from '../../bff/src/discounts/model';

const now = new Date('2026-11-30T00:00:00Z'); // 08:00 China time
const DATE = '2026-12-01';
let t: TestServer;
let m: MealFixtures;
let worker: TestUser;
let staff: TestUser;
let canteenId: string;
let dishId: string;
let subsidised: string; // 80, 低保: the capped rules apply
let young: string; // 55, no group: no rule applies
let warm: string; // books the warm-up meals

let commands: string[] = [];
const record = (e: { commandName: string; command: Record<string, unknown> }) => {
  commands.push(`${e.commandName} ${String(e.command[e.commandName])}`);
};

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  const community = await m.community();
  canteenId = (await m.canteen(community.id)).id;
  staff = await m.user('canteen_staff', { canteenId });
  worker = await m.user('worker', { communityId: community.id });
  dishId = (await m.dish(staff.token, canteenId, '清蒸鲈鱼', 900)).id;
  await m.putMenu(staff.token, canteenId, DATE, 'lunch', [{ dishId, quota: 100 }]);
  await m.rule({
    name: '80岁以上每餐减3元',
    minAge: 80,
    benefit: { type: 'amount_off', value: 300 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom: '2026-01-01',
  });
  subsidised = (await m.elder(worker.token, community.id, { birthDate: '1945-05-01' })).id;
  young = (await m.elder(worker.token, community.id, { birthDate: '1971-05-01', groups: [] })).id;
  warm = (await m.elder(worker.token, community.id, { birthDate: '1970-05-01', groups: [] })).id;
  mongoose.connection.getClient().on('commandStarted', record);
});
afterAll(async () => {
  mongoose.connection.getClient().off('commandStarted', record);
  await t.close();
});

const lunch = (elderId: string): OrderBody => ({
  elderId,
  canteenId,
  date: DATE,
  slot: 'lunch',
  items: [{ dishId, qty: 1 }],
});

async function countedOrder(elderId: string) {
  await m.placed(worker.token, lunch(warm)); // warm caches (canteen, menu, rules), as at the rush
  commands = [];
  const order = await m.placed(worker.token, lunch(elderId));
  return { order, commands: [...commands] };
}

const subsidisedTrips = [
  'insert idempotency_keys',
  'find elders',
  'findAndModify menus',
  'insert subsidy_claims',
  'insert meal_orders',
  'update daily_counters',
  'delete idempotency_keys', // the attempt's marker
];

test('a subsidised order takes 7 round trips (the account was checked a moment ago: cached): key, elder, stock, subsidy claim, order, day counter, key done', async () => {
  const { order, commands: seen } = await countedOrder(subsidised);
  expect(order.pricing.discounts.map((d: { amount: number }) => d.amount)).toEqual([300]);
  expect(seen).toEqual(subsidisedTrips);
});

test("the same slot's second meal (additional) tries the claim, finds it held, is charged in full, and meets the live meal once", async () => {
  const { order, commands: seen } = await countedOrder(subsidised);
  expect(order.pricing.discounts).toEqual([]);
  expect(order.pricing.payable).toBe(900);
  expect(seen).toEqual([
    'insert idempotency_keys', // the elder was read for the first meal, and not written since: cached
    'findAndModify menus',
    'insert subsidy_claims',
    'insert meal_orders', // E11000: the elder's live lunch
    'find meal_orders', // which order holds it
    'insert meal_orders', // as a second meal, asked for
    'update daily_counters',
    'delete idempotency_keys', // the attempt's marker
  ]);
});

test('an order no capped rule discounts skips the claim: 6 round trips', async () => {
  const { order, commands: seen } = await countedOrder(young);
  expect(order.pricing.discounts).toEqual([]);
  expect(seen).toEqual([
    'insert idempotency_keys',
    'find elders',
    'findAndModify menus',
    'insert meal_orders',
    'update daily_counters',
    'delete idempotency_keys', // the attempt's marker
  ]);
});

test("the counter's day sheet, read again with no meal order written meanwhile, costs no database read; a new order or a cancel shows at once", async () => {
  const sheet = async () => {
    const res = await t.api.get(`/api/canteens/${canteenId}/orders?date=${DATE}&slot=lunch`, {
      token: staff.token,
    });
    expect(res.status).toBe(200);
    return res.body as { items: { id: string; status: string }[]; counts: Record<string, number> };
  };
  const before = await sheet();
  commands = [];
  const again = await sheet();
  expect(again.items).toEqual(before.items);
  expect(commands.filter((c) => c.startsWith('find meal_orders'))).toEqual([]);

  const late = (
    await m.elder(
      worker.token,
      (await t.api.get(`/api/elders/${young}`, { token: worker.token })).body.communityId,
      { birthDate: '1960-02-01', groups: [] },
    )
  ).id;
  const order = await m.placed(worker.token, lunch(late));
  const withNew = await sheet();
  expect(withNew.items.map((o) => o.id)).toContain(order.id);
  expect(withNew.items).toHaveLength(before.items.length + 1);

  const cancel = await t.api.post(`/api/meal-orders/${order.id}/cancel`, {}, { token: worker.token });
  expect(cancel.status).toBe(200);
  expect((await sheet()).items.find((o) => o.id === order.id)?.status).toBe('cancelled');
});

test('quotes that need the discount rules when their cache has run out (every 2 s, or after a rule change) share one read', async () => {
  forgetRules();
  commands = [];
  const reads = await Promise.all(Array.from({ length: 10 }, () => activeRules()));
  expect(commands.filter((c) => c === 'find discountrules')).toEqual(['find discountrules']);
  for (const rules of reads) expect(rules.map((r) => r.name)).toEqual(['80岁以上每餐减3元']);
  commands = [];
  await activeRules(); // cached now
  expect(commands).toEqual([]);
});
