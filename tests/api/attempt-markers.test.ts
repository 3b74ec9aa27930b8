/**
 * While a placement runs, its marker `pending:<order id>` stands beside its Idempotency-Key
 * (bff/src/core/idempotency.ts); the recovery sweep (bff/src/orders/recovery.ts) looks for
 * markers a crash left behind. What an elder would notice if this went wrong: portions held by
 * a placement that died never coming back, or a retry with the same key answered "in
 * progress" for ever. Keys stored before markers (`pending` on the key itself) are still swept.
 */
import mongoose from 'mongoose';
import { attemptMarkerId, IdempotencyKey } from '../../bff/src/core/idempotency';
import { menuId } from '../../bff/src/menus/model';
import { recoverMealOrders } from '../../bff/src/orders/recovery';
import { takeStock } from '../../bff/src/orders/stock';
import { startTestServer, type TestServer } from '../harness/server';
import type { TestUser } from './fixtures';
import { MealFixtures, type OrderBody } from './meal-fixtures';

const DATE = '2026-12-01';
let t: TestServer;
let m: MealFixtures;
let worker: TestUser;
let canteenId: string;
let dish: { id: string; name: string; price: number };
let elderId: string;

beforeAll(async () => {
  t = await startTestServer({ clock: () => new Date('2026-11-30T00:00:00Z') });
  m = new MealFixtures(t);
  const community = await m.community();
  canteenId = (await m.canteen(community.id)).id;
  const staff = await m.user('canteen_staff', { canteenId });
  worker = await m.user('worker', { communityId: community.id });
  dish = await m.dish(staff.token, canteenId, '红烧狮子头', 1200);
  await m.putMenu(staff.token, canteenId, DATE, 'lunch', [{ dishId: dish.id, quota: 10 }]);
  elderId = (await m.elder(worker.token, community.id, { birthDate: '1950-03-01', groups: [] })).id;
});
afterAll(async () => {
  await t?.close();
});

const lunch = (): OrderBody => ({
  elderId,
  canteenId,
  date: DATE,
  slot: 'lunch',
  items: [{ dishId: dish.id, qty: 1 }],
});
const pendingDocs = () => IdempotencyKey.find({ pending: true }).lean();
const afterGrace = () => new Date(Date.now() + 24 * 3600_000);
const portionsLeft = () => m.remaining(canteenId, DATE, 'lunch', dish.id);

test('a placement leaves its key and no marker: nothing is pending once the order exists, and a repeat replays it', async () => {
  const before = await portionsLeft();
  const first = await m.order(worker.token, lunch(), 'markers-1');
  expect(first.status).toBe(201);
  expect(await pendingDocs()).toEqual([]);
  const key = await IdempotencyKey.findById(`${worker.id}:markers-1`).lean();
  expect(key).toMatchObject({ orderId: first.body.id });
  expect(key).not.toHaveProperty('pending');
  const again = await m.order(worker.token, lunch(), 'markers-1');
  expect(again.body.id).toBe(first.body.id);
  expect(await portionsLeft()).toBe(before - 1);
  // The sweep finds nothing to undo.
  expect((await recoverMealOrders(afterGrace())).abandonedPlacements).toBe(0);
  expect(await portionsLeft()).toBe(before - 1);
});

test('a placement that died after taking its portion: the sweep gives the portion back and frees the key, and the same key then places the order', async () => {
  const before = await portionsLeft();
  // What a process left when it died between the stock and the order: key, marker, hold.
  const orderId = String(new mongoose.Types.ObjectId());
  const keyId = `${worker.id}:markers-2`;
  const journal = { menuId: menuId(canteenId, DATE, 'lunch'), elderId, date: DATE, slot: 'lunch' };
  await IdempotencyKey.collection.insertMany([
    { _id: keyId as never, requestHash: 'the same request', orderId, ...journal, createdAt: new Date() },
    {
      _id: attemptMarkerId(orderId) as never,
      keyId,
      orderId,
      pending: true,
      ...journal,
      createdAt: new Date(),
    },
  ]);
  await takeStock(journal.menuId, orderId, [{ dishId: dish.id, name: dish.name, price: dish.price, qty: 1 }]);
  expect(await portionsLeft()).toBe(before - 1);

  // Within the grace period the placement may still be running elsewhere: left alone.
  expect((await recoverMealOrders()).abandonedPlacements).toBe(0);
  expect(await portionsLeft()).toBe(before - 1);

  const report = await recoverMealOrders(afterGrace());
  expect(report).toMatchObject({ abandonedPlacements: 1, portionsReturned: 1 });
  expect(await portionsLeft()).toBe(before);
  expect(await pendingDocs()).toEqual([]);
  expect(await IdempotencyKey.findById(keyId).lean()).toBeNull();

  const retry = await m.order(worker.token, lunch(), 'markers-2');
  expect(retry.status).toBe(201);
  expect(retry.body.id).not.toBe(orderId);
  expect(await portionsLeft()).toBe(before - 1);
});

test('a marker whose order exists (its delete was lost) is removed and the key kept', async () => {
  const placed = await m.order(worker.token, lunch(), 'markers-3');
  expect(placed.status).toBe(201);
  const keyId = `${worker.id}:markers-3`;
  await IdempotencyKey.collection.insertOne({
    _id: attemptMarkerId(placed.body.id) as never,
    keyId,
    orderId: placed.body.id,
    pending: true,
    createdAt: new Date(),
  });
  const left = await portionsLeft();
  expect((await recoverMealOrders(afterGrace())).abandonedPlacements).toBe(0);
  expect(await pendingDocs()).toEqual([]);
  expect(await IdempotencyKey.findById(attemptMarkerId(placed.body.id)).lean()).toBeNull();
  expect(await IdempotencyKey.findById(keyId).lean()).toMatchObject({ orderId: placed.body.id });
  expect(await portionsLeft()).toBe(left);
  expect((await m.order(worker.token, lunch(), 'markers-3')).body.id).toBe(placed.body.id);
});

test('keys stored before markers, marked pending themselves, are still swept: freed when their order never came, kept when it did', async () => {
  const placed = await m.order(worker.token, lunch(), 'markers-4');
  expect(placed.status).toBe(201);
  const done = `${worker.id}:markers-4`;
  await IdempotencyKey.collection.updateOne({ _id: done as never }, { $set: { pending: true } });
  const orphan = `${worker.id}:markers-5`;
  await IdempotencyKey.collection.insertOne({
    _id: orphan as never,
    requestHash: 'h',
    orderId: String(new mongoose.Types.ObjectId()),
    pending: true,
    createdAt: new Date(),
  });
  const report = await recoverMealOrders(afterGrace());
  expect(report.abandonedPlacements).toBe(1);
  expect(await pendingDocs()).toEqual([]);
  expect(await IdempotencyKey.findById(done).lean()).toMatchObject({ orderId: placed.body.id });
  expect(await IdempotencyKey.findById(orphan).lean()).toBeNull();
});

test('orders placed together leave no marker behind', async () => {
  const results = await Promise.all(
    Array.from({ length: 6 }, (_, i) => m.order(worker.token, lunch(), `markers-burst-${i}`)),
  );
  expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
  expect(await pendingDocs()).toEqual([]);
  const keys = await IdempotencyKey.find({ _id: { $regex: `^${worker.id}:markers-burst-` } }).lean();
  expect(keys.map((k) => k.orderId).sort()).toEqual(results.map((r) => r.body.id).sort());
});
