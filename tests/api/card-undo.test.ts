/**
 * Undoing a cash top-up typed wrong (POST /api/elders/:id/card/entries/:entryId/reverse):
 * a new `adjustment` entry of the opposite amount, the original untouched, entries still
 * summing to the balance; only the worker who took the cash, only within 10 minutes, once.
 */
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../harness/server';
import type { TestUser } from './fixtures';
import { MealFixtures } from './meal-fixtures';

let now = new Date('2026-11-30T00:00:00Z'); // 08:00 China time
let t: TestServer;
let m: MealFixtures;
let worker: TestUser;
let colleague: TestUser;
let family: TestUser;
let communityId: string;
let canteenId: string;
let dishId: string;

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  communityId = (await m.community()).id;
  canteenId = (await m.canteen(communityId)).id;
  const staff = await m.user('canteen_staff', { canteenId });
  worker = await m.user('worker', { communityId, name: '王助老员' });
  colleague = await m.user('worker', { communityId, name: '李助老员' });
  family = await m.family('张伟');
  dishId = (await m.dish(staff.token, canteenId, '番茄炒蛋', 900)).id;
  await m.putMenu(staff.token, canteenId, '2026-12-01', 'lunch', [{ dishId, quota: 100 }]);
});
afterAll(() => t?.close());
beforeEach(() => {
  now = new Date('2026-11-30T00:00:00Z');
});

const elder = async () =>
  (await m.elder(worker.token, communityId, { birthDate: '1971-05-01', groups: [] })).id;
const topup = async (elderId: string, amount: number, token = worker.token) => {
  const res = await t.api.post(
    `/api/elders/${elderId}/card/topups`,
    { amount, method: 'cash' },
    { token, headers: { 'idempotency-key': randomUUID() } },
  );
  expect(res.status).toBe(201);
  return res.body as { id: string; amount: number };
};
const reverse = (elderId: string, entryId: string, token = worker.token) =>
  t.api.post(`/api/elders/${elderId}/card/entries/${encodeURIComponent(entryId)}/reverse`, {}, { token });
const card = async (elderId: string) => {
  const res = await t.api.get(`/api/elders/${elderId}/card`, { token: worker.token });
  expect(res.status).toBe(200);
  return res.body as { balance: number; entries: any[] };
};
const sum = (entries: { amount: number }[]) => entries.reduce((s, e) => s + e.amount, 0);

test('the worker who took ¥200 instead of ¥20 undoes it: an adjustment of −¥200, the original kept, balance back, sums hold', async () => {
  const elderId = await elder();
  await topup(elderId, 2000);
  const wrong = await topup(elderId, 20000);
  expect((await card(elderId)).balance).toBe(22000);

  now = new Date('2026-11-30T00:09:00Z'); // 9 minutes later
  const res = await reverse(elderId, wrong.id);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({
    kind: 'adjustment',
    amount: -20000,
    reverses: wrong.id,
    by: { userId: worker.id, role: 'worker' },
    balance: 2000,
  });

  const after = await card(elderId);
  expect(after.balance).toBe(2000);
  expect(sum(after.entries)).toBe(after.balance);
  const original = after.entries.find((e) => e.id === wrong.id);
  expect(original).toMatchObject({ kind: 'topup', amount: 20000, reversed: true });
  expect(after.entries.filter((e) => e.kind === 'adjustment')).toHaveLength(1);

  // A second undo of the same entry (also two at once) changes nothing.
  const twice = await Promise.all([reverse(elderId, wrong.id), reverse(elderId, wrong.id)]);
  expect(twice.map((r) => r.status)).toEqual([409, 409]);
  expect(twice[0].body.error.code).toBe('ALREADY_REVERSED');
  expect((await card(elderId)).balance).toBe(2000);
});

test('after 10 minutes, by another worker, by family or of a non-cash entry: refused, nothing changes', async () => {
  const elderId = await elder();
  const cash = await topup(elderId, 5000);

  const other = await reverse(elderId, cash.id, colleague.token);
  expect(other.status).toBe(403);
  expect([403, 404]).toContain((await reverse(elderId, cash.id, family.token)).status);

  now = new Date('2026-11-30T00:10:01Z');
  const late = await reverse(elderId, cash.id);
  expect(late.status).toBe(409);
  expect(late.body.error.code).toBe('UNDO_WINDOW_PASSED');

  now = new Date('2026-11-30T00:00:30Z');
  const paid = await m.placed(worker.token, {
    elderId,
    canteenId,
    date: '2026-12-01',
    slot: 'lunch',
    items: [{ dishId, qty: 1 }],
    payment: 'card',
  });
  const payment = (await card(elderId)).entries.find((e) => e.orderId === paid.id);
  // A card payment is not cash: its id has another shape, refused before anything is looked up.
  const notCash = await reverse(elderId, payment.id);
  expect(notCash.status).toBe(400);
  expect(notCash.body.error.fields['params.entryId']).toMatch('只有现金充值可以撤销');
  expect((await reverse(elderId, `cash:${worker.id}:nothing-here`)).status).toBe(404);

  // The card paid a meal from this cash: only ¥41 of the ¥50 is left, so it cannot be undone whole.
  const spent = await reverse(elderId, cash.id);
  expect(spent.status).toBe(409);
  expect(spent.body.error.code).toBe('INSUFFICIENT_BALANCE');

  const after = await card(elderId);
  expect(after.balance).toBe(4100);
  expect(sum(after.entries)).toBe(4100);
  expect(after.entries.some((e) => e.kind === 'adjustment')).toBe(false);
});
