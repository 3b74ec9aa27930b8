/**
 * Delivery as a welfare check: the courier's list of the slot's delivery orders (address,
 * the elder's phone to call from the door, diet), and what happened at the door — delivered
 * serves the order like the counter's check-out; nobody home or unwell raises one alarm that
 * the worker desk shows with source 'delivery' and the family is told about once.
 */
import { startTestServer, type TestServer } from '../harness/server';
import { type TestUser, UNKNOWN_ID } from './fixtures';
import { MealFixtures } from './meal-fixtures';

let now = new Date('2026-12-01T01:00:00Z'); // 2026-12-01 09:00 China time, before lunch's 10:00 cut-off
const at = (iso: string) => (now = new Date(iso));
const DATE = '2026-12-01';

let t: TestServer;
let m: MealFixtures;
let comm: { id: string };
let canteen: { id: string };
let other: { id: string };
let staff: TestUser;
let otherStaff: TestUser;
let worker: TestUser;
let daughter: TestUser;
let elder1: { id: string; sent: Record<string, any> };
let elder2: { id: string; sent: Record<string, any> };
let elder3: { id: string; sent: Record<string, any> };
let dish: { id: string };

const lunchFor = (elderId: string, extra: Record<string, unknown> = {}) => ({
  elderId,
  canteenId: canteen.id,
  date: DATE,
  slot: 'lunch' as const,
  items: [{ dishId: dish.id, qty: 1 }],
  fulfilment: 'delivery' as const,
  ...extra,
});

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  comm = await m.community({ name: '关上社区' });
  canteen = await m.canteen(comm.id, {
    name: '关上长者食堂',
    slots: [{ slot: 'lunch', cutoff: '10:00' }],
    fulfilment: ['dine_in', 'delivery'],
  });
  other = await m.canteen(comm.id, { name: '世纪城长者食堂' });
  staff = await m.user('canteen_staff', { canteenId: canteen.id, name: '送餐员小陈' });
  otherStaff = await m.user('canteen_staff', { canteenId: other.id });
  worker = await m.user('worker', { communityId: comm.id, name: '王助老员' });
  elder1 = await m.elder(worker.token, comm.id, {
    name: '李秀兰',
    address: '幸福小区3栋2单元101',
    diet: ['低盐', '软烂'],
  });
  elder2 = await m.elder(worker.token, comm.id, { name: '赵德明', address: '幸福小区5栋301' });
  elder3 = await m.elder(worker.token, comm.id, { name: '钱桂芳' });
  const login = await m.elderAccount(worker.token, elder1.id);
  daughter = await m.family('李女士');
  await m.link(login.token, elder1.id, daughter);
  dish = await m.dish(staff.token, canteen.id, '清蒸鲈鱼', 1500);
  await m.putMenu(staff.token, canteen.id, DATE, 'lunch', [{ dishId: dish.id, quota: 20 }]);
});
afterAll(() => t?.close());

const deliveries = (token: string, query = `date=${DATE}&slot=lunch`, id = canteen.id) =>
  t.api.get(`/api/canteens/${id}/deliveries?${query}`, { token });
const mark = (token: string, orderId: string, body: Record<string, unknown>) =>
  t.api.post(`/api/meal-orders/${orderId}/delivery`, body, { token });
const openAlarmsOf = async (elderId: string) =>
  ((await t.api.get('/api/sos?status=open', { token: worker.token })).body.items as any[]).filter(
    (a) => a.elderId === elderId,
  );
const noticesAbout = async (u: TestUser, refId: string) =>
  ((await t.api.get('/api/notifications', { token: u.token })).body.items as any[]).filter(
    (n) => n.refId === refId,
  );

test("the courier's list: only the slot's delivery orders, with address, the whole phone, diet and dishes", async () => {
  at('2026-12-01T01:00:00Z');
  const delivered = await m.placed(worker.token, lunchFor(elder1.id));
  await m.placed(worker.token, lunchFor(elder2.id));
  const dineIn = await m.placed(worker.token, lunchFor(elder3.id, { fulfilment: 'dine_in' }));
  const cancelled = await m.placed(worker.token, lunchFor(elder3.id));
  expect((await m.cancel(worker.token, cancelled.id)).status).toBe(200);

  const res = await deliveries(staff.token);
  expect(res.status).toBe(200);
  const ids = res.body.items.map((i: any) => i.orderId);
  expect(ids).toContain(delivered.id);
  expect(ids).not.toContain(dineIn.id);
  expect(ids).not.toContain(cancelled.id);
  expect(res.body.items).toHaveLength(2);
  const li = res.body.items.find((i: any) => i.orderId === delivered.id);
  expect(li).toMatchObject({
    elderId: elder1.id,
    elderName: '李秀兰',
    address: '幸福小区3栋2单元101',
    phone: elder1.sent.phone, // whole: the courier calls from the door
    dietNotes: '低盐、软烂',
    items: '清蒸鲈鱼 ×1',
    status: 'placed',
  });
  expect(li.delivery).toBeUndefined();

  // The admin sees it too; another canteen's staff does not (404), nor a worker (403).
  expect((await deliveries(await m.adminToken())).body.items).toHaveLength(2);
  expect((await deliveries(otherStaff.token)).status).toBe(404);
  expect((await deliveries(worker.token)).status).toBe(403);
  expect((await deliveries(staff.token, 'date=2026-13-01')).status).toBe(400);
  expect((await deliveries(staff.token, `date=${DATE}`, UNKNOWN_ID)).status).toBe(404);
});

test('nobody home: one delivery alarm on the worker desk with the time, the family told once; a repeat raises nothing more', async () => {
  at('2026-12-01T04:05:00Z'); // 12:05 China time
  const order = (await deliveries(staff.token)).body.items.find((i: any) => i.elderId === elder1.id);
  const res = await mark(staff.token, order.orderId, { outcome: 'not_home', notes: '敲门三次无人应' });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    orderId: order.orderId,
    status: 'placed', // not served: the meal was cooked, settled like a no-show
    delivery: { outcome: 'not_home', notes: '敲门三次无人应', by: { name: '送餐员小陈' } },
    alarm: { created: true },
  });

  const alarms = await openAlarmsOf(elder1.id);
  expect(alarms).toHaveLength(1);
  expect(alarms[0]).toMatchObject({ source: 'delivery', id: res.body.alarm.id });
  expect(alarms[0].reason).toContain('送餐');
  expect(alarms[0].reason).toContain('12:05');
  expect(alarms[0].reason).toContain('无人应门');
  const told = await noticesAbout(daughter, res.body.alarm.id);
  expect(told).toHaveLength(1);
  expect(told[0].body).toContain('无人应门');

  // Tapped again (a slow network): the same answer, no second alarm, no second notice.
  const again = await mark(staff.token, order.orderId, { outcome: 'not_home' });
  expect(again.status).toBe(200);
  expect(again.body.delivery.outcome).toBe('not_home');
  expect(await openAlarmsOf(elder1.id)).toHaveLength(1);
  expect(await noticesAbout(daughter, res.body.alarm.id)).toHaveLength(1);

  // The family sees it on the order too.
  const seen = await t.api.get(`/api/meal-orders/${order.orderId}`, { token: daughter.token });
  expect(seen.body.delivery).toMatchObject({ outcome: 'not_home', at: '2026-12-01T04:05:00.000Z' });

  // The list shows it marked.
  const listed = (await deliveries(staff.token)).body.items.find((i: any) => i.orderId === order.orderId);
  expect(listed.delivery).toMatchObject({ outcome: 'not_home', sosId: res.body.alarm.id });

  // On the audit log, as the courier's.
  const audit = await t.api.get(`/api/audit?targetType=meal_order&targetId=${order.orderId}`, {
    token: await m.adminToken(),
  });
  expect(audit.status).toBe(200);
  expect(audit.body.items.map((e: any) => e.action)).toContain('meal_order.delivery');
});

test('delivered: the order is served and counted like a check-out (到店付 collected at the door)', async () => {
  at('2026-12-01T04:20:00Z');
  const order = (await deliveries(staff.token)).body.items.find((i: any) => i.elderId === elder2.id);
  const before = (
    await t.api.get(`/api/canteens/${canteen.id}/orders?date=${DATE}&slot=lunch`, {
      token: staff.token,
    })
  ).body.counts.served;
  const res = await mark(staff.token, order.orderId, { outcome: 'delivered' });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ status: 'served', delivery: { outcome: 'delivered' } });
  expect(res.body.alarm).toBeUndefined();
  expect(res.body.payment).toMatchObject({ method: 'counter', status: 'paid' });
  expect(await openAlarmsOf(elder2.id)).toHaveLength(0);

  const sheet = await t.api.get(`/api/canteens/${canteen.id}/orders?date=${DATE}&slot=lunch`, {
    token: staff.token,
  });
  expect(sheet.body.counts.served).toBe(before + 1);
  const summary = await t.api.get(`/api/reports/summary?from=${DATE}&to=${DATE}&communityId=${comm.id}`, {
    token: await m.adminToken(),
  });
  expect(summary.body.mealsServed).toBe(1);
  // Repeat: the same answer; nothing changes a delivered order.
  expect((await mark(staff.token, order.orderId, { outcome: 'delivered' })).status).toBe(200);
  const late = await mark(staff.token, order.orderId, { outcome: 'unwell' });
  expect(late.status).toBe(409);
  expect(await openAlarmsOf(elder2.id)).toHaveLength(0);
});

test("another canteen's staff gets 404, a counter order 409, a bad outcome 400", async () => {
  const order = (await deliveries(staff.token)).body.items.find((i: any) => i.elderId === elder2.id);
  const foreign = await mark(otherStaff.token, order.orderId, { outcome: 'not_home' });
  expect(foreign.status).toBe(404);
  expect(foreign.body.error.code).toBe('NOT_FOUND');
  expect((await mark(staff.token, UNKNOWN_ID, { outcome: 'delivered' })).status).toBe(404);

  const sheet = await t.api.get(`/api/canteens/${canteen.id}/orders?date=${DATE}&slot=lunch`, {
    token: staff.token,
  });
  const dineIn = sheet.body.items.find((o: any) => o.fulfilment === 'dine_in');
  const counter = await mark(staff.token, dineIn.id, { outcome: 'not_home' });
  expect(counter.status).toBe(409);
  expect(counter.body.error.code).toBe('NOT_DELIVERY');
  expect(await openAlarmsOf(elder3.id)).toHaveLength(0);

  const bad = await mark(staff.token, order.orderId, { outcome: 'lost' });
  expect(bad.status).toBe(400);
  expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  expect((await mark(staff.token, order.orderId, { outcome: 'delivered', extra: 1 })).status).toBe(400);
  // Only the canteen's staff record deliveries.
  expect((await mark(worker.token, order.orderId, { outcome: 'delivered' })).status).toBe(403);
});

test('unwell after a second try: the open alarm is kept (no second one); delivered later serves the meal', async () => {
  at('2026-12-01T04:30:00Z');
  const order = (await deliveries(staff.token)).body.items.find((i: any) => i.elderId === elder1.id);
  const unwell = await mark(staff.token, order.orderId, { outcome: 'unwell' });
  expect(unwell.status).toBe(200);
  expect(unwell.body.alarm).toMatchObject({ created: false });
  expect(await openAlarmsOf(elder1.id)).toHaveLength(1);
  const served = await mark(staff.token, order.orderId, { outcome: 'delivered' });
  expect(served.body).toMatchObject({ status: 'served', delivery: { outcome: 'delivered' } });
});

test('a double tap on 已送达 (two requests at once): both answered 200, served once', async () => {
  at('2026-12-01T01:30:00Z'); // 09:30, before the cut-off: a fresh order
  const fresh = await m.placed(worker.token, lunchFor(elder3.id));
  at('2026-12-01T04:40:00Z');
  const [a, b] = await Promise.all([
    mark(staff.token, fresh.id, { outcome: 'delivered' }),
    mark(staff.token, fresh.id, { outcome: 'delivered' }),
  ]);
  expect([a.status, b.status]).toEqual([200, 200]);
  const order = await t.api.get(`/api/meal-orders/${fresh.id}`, { token: staff.token });
  expect(order.body.history.filter((h: any) => h.status === 'served')).toHaveLength(1);
});
