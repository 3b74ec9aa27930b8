/**
 * A second meal is a choice, not an accident: a second live order for the same elder, date
 * and slot is 409 ALREADY_BOOKED naming the existing order unless the body says
 * `additional: true`; the price of such a second meal says in words why it has no subsidy;
 * a retried request (same Idempotency-Key) still returns its order; concurrent duplicates
 * place one order; batch booking marks the elder who has the meal and books the others; the
 * standing-order scheduler adds no second meal and tells nobody of a "failure".
 */
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../harness/server';
import type { TestUser } from './fixtures';
import { MealFixtures, type OrderBody } from './meal-fixtures';

const now = new Date('2026-11-30T00:00:00Z'); // Monday 08:00 China time
const DATE = '2026-12-01'; // Tuesday

let t: TestServer;
let m: MealFixtures;
let canteen: { id: string };
let otherCanteen: { id: string };
let staff: TestUser;
let otherStaff: TestUser;
let worker: TestUser;
let daughter: TestUser;
let fish: { id: string };
let rice: { id: string };
let zhang: { id: string }; // 80+: the capped subsidy applies
let zhangLogin: TestUser;
let li: { id: string };

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  const comm = await m.community({ name: '关上社区' });
  canteen = await m.canteen(comm.id, { name: '关上长者食堂' });
  otherCanteen = await m.canteen(comm.id, { name: '关上第二食堂' });
  staff = await m.user('canteen_staff', { canteenId: canteen.id });
  otherStaff = await m.user('canteen_staff', { canteenId: otherCanteen.id });
  worker = await m.user('worker', { communityId: comm.id });
  zhang = await m.elder(worker.token, comm.id, { name: '张桂兰', birthDate: '1940-03-01', groups: [] });
  zhangLogin = await m.elderAccount(worker.token, zhang.id);
  li = await m.elder(worker.token, comm.id, { name: '李秀兰', birthDate: '1950-03-01', groups: [] });
  daughter = await m.family('张伟');
  await m.link(zhangLogin.token, zhang.id, daughter);
  fish = await m.dish(staff.token, canteen.id, '清蒸鲈鱼', 900);
  rice = await m.dish(otherStaff.token, otherCanteen.id, '米饭套餐', 600);
  for (const date of [DATE, '2026-12-02', '2026-12-03', '2026-12-04'])
    await m.putMenu(staff.token, canteen.id, date, 'lunch', [{ dishId: fish.id, quota: 50 }]);
  await m.putMenu(otherStaff.token, otherCanteen.id, DATE, 'lunch', [{ dishId: rice.id, quota: 50 }]);
  await m.rule({
    name: '八十岁以上每餐减3元',
    minAge: 80,
    benefit: { type: 'amount_off', value: 300 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom: '2026-01-01',
  });
});
afterAll(() => t?.close());

/** The request as the pages send it: no `additional` unless given. */
const book = (token: string, body: Partial<OrderBody> & { elderId: string }, key = randomUUID()) =>
  t.api.post(
    '/api/meal-orders',
    {
      canteenId: canteen.id,
      date: DATE,
      slot: 'lunch',
      items: [{ dishId: fish.id, qty: 1 }],
      fulfilment: 'dine_in',
      ...body,
    },
    { token, headers: { 'idempotency-key': key } },
  );
const liveOrders = async (elderId: string, date: string) =>
  (
    (await t.api.get(`/api/meal-orders?elderId=${elderId}&date=${date}`, { token: worker.token })).body
      .items as any[]
  ).filter((o) => o.status !== 'cancelled' && o.slot === 'lunch');

test('a second lunch for the same day is 409 ALREADY_BOOKED naming the first order; nothing is booked or taken', async () => {
  const first = await book(daughter.token, { elderId: zhang.id });
  expect(first.status).toBe(201);
  expect(first.body.pricing.discounts).toHaveLength(1);
  const left = await m.remaining(canteen.id, DATE, 'lunch', fish.id);

  const again = await book(zhangLogin.token, { elderId: zhang.id });
  expect(again.status).toBe(409);
  expect(again.body.error.code).toBe('ALREADY_BOOKED');
  expect(again.body.error.orderId).toBe(first.body.id);
  expect(again.body.error.message).toContain('12月1日午餐');
  expect(again.body.error.message).toContain(first.body.id);
  expect(await m.remaining(canteen.id, DATE, 'lunch', fish.id)).toBe(left);
  expect((await liveOrders(zhang.id, DATE)).map((o) => o.id)).toEqual([first.body.id]);

  // Also at another canteen: one lunch is one lunch.
  const elsewhere = await book(worker.token, {
    elderId: zhang.id,
    canteenId: otherCanteen.id,
    items: [{ dishId: rice.id, qty: 1 }],
  });
  expect(elsewhere.status).toBe(409);
  expect(elsewhere.body.error.orderId).toBe(first.body.id);
});

test('the same Idempotency-Key again still returns the order (a retry is not a second meal)', async () => {
  const key = randomUUID();
  const first = await book(worker.token, { elderId: li.id, date: '2026-12-02' }, key);
  expect(first.status).toBe(201);
  const retry = await book(worker.token, { elderId: li.id, date: '2026-12-02' }, key);
  expect(retry.status).toBe(200);
  expect(retry.body.id).toBe(first.body.id);
});

test('additional: true books a second lunch (201), charged in full, and the price says in words why', async () => {
  const [first] = await liveOrders(zhang.id, DATE);
  const second = await book(daughter.token, { elderId: zhang.id, additional: true });
  expect(second.status).toBe(201);
  expect(second.body.id).not.toBe(first.id);
  expect(second.body.pricing.discounts).toEqual([]);
  expect(second.body.pricing.payable).toBe(900);
  expect(second.body.pricing.capNote).toBe('每人每餐限补贴1份，这是第2份，不享受「八十岁以上每餐减3元」');
  // The quote before booking says the same.
  const quote = await m.quote(daughter.token, {
    elderId: zhang.id,
    canteenId: canteen.id,
    date: DATE,
    slot: 'lunch',
    items: [{ dishId: fish.id, qty: 1 }],
  });
  expect(quote.body.capNote).toContain('每人每餐限补贴1份');
  expect(await liveOrders(zhang.id, DATE)).toHaveLength(2);

  // The first lunch is cancelled: the second one now holds the meal, so a third is still asked about.
  expect((await m.cancel(daughter.token, first.id)).status).toBe(200);
  const third = await book(daughter.token, { elderId: zhang.id });
  expect(third.status).toBe(409);
  expect(third.body.error.orderId).toBe(second.body.id);
});

test('after cancelling, the same lunch can be booked again without saying additional', async () => {
  const date = '2026-12-03';
  const first = await book(worker.token, { elderId: li.id, date });
  expect((await m.cancel(worker.token, first.body.id)).status).toBe(200);
  const again = await book(worker.token, { elderId: li.id, date });
  expect(again.status).toBe(201);
  expect((await liveOrders(li.id, date)).map((o) => o.id)).toEqual([again.body.id]);
});

test('8 concurrent bookings of one lunch without additional (different keys): one order, 7 × ALREADY_BOOKED naming it', async () => {
  const date = '2026-12-04';
  const before = await m.remaining(canteen.id, date, 'lunch', fish.id);
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      book(i % 2 ? daughter.token : worker.token, { elderId: zhang.id, date }),
    ),
  );
  const ok = results.filter((r) => r.status === 201);
  expect(ok).toHaveLength(1);
  const refused = results.filter((r) => r.status === 409);
  expect(refused).toHaveLength(7);
  for (const r of refused) {
    expect(r.body.error.code).toBe('ALREADY_BOOKED');
    expect(r.body.error.orderId).toBe(ok[0].body.id);
  }
  expect(await liveOrders(zhang.id, date)).toHaveLength(1);
  expect(await m.remaining(canteen.id, date, 'lunch', fish.id)).toBe(before - 1);
});

test('batch booking marks the elder who already has the meal (409, naming the order) and books the others', async () => {
  const date = '2026-12-02'; // li has this lunch (the retry test above); zhang has not
  const [liOrder] = await liveOrders(li.id, date);
  const res = await t.api.post(
    '/api/meal-orders/batch',
    {
      elderIds: [li.id, zhang.id],
      canteenId: canteen.id,
      date,
      slot: 'lunch',
      items: [{ dishId: fish.id, qty: 1 }],
      fulfilment: 'dine_in',
    },
    { token: worker.token, headers: { 'idempotency-key': randomUUID() } },
  );
  expect(res.status).toBe(200);
  const [forLi, forZhang] = res.body.results;
  expect(forLi).toMatchObject({
    elderId: li.id,
    status: 409,
    error: { code: 'ALREADY_BOOKED', orderId: liOrder.id },
  });
  expect(forZhang).toMatchObject({ elderId: zhang.id, status: 201 });
  expect(await liveOrders(li.id, date)).toHaveLength(1);
  expect(await liveOrders(zhang.id, date)).toHaveLength(1);
});

test('a standing order whose meal the elder already booked by hand (at another canteen) adds no second meal and tells nobody of a failure', async () => {
  // li has lunch on 12-01 at the other canteen; her standing order is for this canteen.
  const byHand = await book(worker.token, {
    elderId: li.id,
    canteenId: otherCanteen.id,
    items: [{ dishId: rice.id, qty: 1 }],
  });
  expect(byHand.status).toBe(201);
  const standing = await t.api.post(
    '/api/standing-orders',
    {
      elderId: li.id,
      canteenId: canteen.id,
      slot: 'lunch',
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      items: [{ dishId: fish.id, qty: 1 }],
      fulfilment: 'dine_in',
      payment: 'counter',
    },
    { token: worker.token },
  );
  expect(standing.status).toBe(201);
  const run = await t.api.post(
    '/api/standing-orders/materialise',
    { date: DATE },
    { token: await m.adminToken() },
  );
  expect(run.status).toBe(200);
  expect(run.body).toMatchObject({ placed: 0, bookedByHand: 1, failed: [] });
  expect((await liveOrders(li.id, DATE)).map((o) => o.id)).toEqual([byHand.body.id]);
  const notes = await t.api.get('/api/notifications', { token: worker.token });
  expect(notes.body.items.filter((n: any) => n.kind === 'standing_order_missed')).toEqual([]);
});
