/**
 * Standing orders (长期订餐): who may set them up, the plain summary, the scheduler placing
 * them once per elder/day/meal through the normal placement (with the set meal standing in
 * for a dish not on that day's menu), sold-out misses told to family and worker once,
 * paused dates skipped (a meal already placed in the pause cancelled), and the kitchen
 * forecast adding placed orders and standing orders still to be placed.
 *
 * The clock is fixed: Monday 2026-11-30 08:00 China time. D1 = Tuesday 12-01, D2 = Wednesday 12-02.
 */
import { startTestServer, type TestServer } from '../harness/server';
import { type TestUser, UNKNOWN_ID } from './fixtures';
import { MealFixtures } from './meal-fixtures';

const now = new Date('2026-11-30T00:00:00Z');
const D1 = '2026-12-01';
const D2 = '2026-12-02';
const WEEKDAYS = [1, 2, 3, 4, 5];

let t: TestServer;
let m: MealFixtures;
let communityId: string;
let canteen: { id: string; name: string };
let otherCanteen: { id: string };
let staff: TestUser;
let otherStaff: TestUser;
let worker: TestUser;
let strangerWorker: TestUser;
let daughter: TestUser;
let son: TestUser;
let e1: { id: string };
let e1Login: TestUser;
let e2: { id: string };
let e3: { id: string };
let e4: { id: string };
let setMeal: { id: string; name: string };
let fish: { id: string; name: string };
let pork: { id: string; name: string };
let foreignDish: { id: string };

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  const community = await m.community({ name: '关上社区' });
  const other = await m.community({ name: '太和社区' });
  communityId = community.id;
  canteen = await m.canteen(community.id, { name: '关上长者食堂' }); // lunch 10:00, dinner 15:30
  otherCanteen = await m.canteen(other.id);
  staff = await m.user('canteen_staff', { canteenId: canteen.id });
  otherStaff = await m.user('canteen_staff', { canteenId: otherCanteen.id });
  worker = await m.user('worker', { communityId: community.id, name: '李敏' });
  strangerWorker = await m.user('worker', { communityId: other.id });
  e1 = await m.elder(worker.token, community.id, { name: '张桂兰', diet: ['低盐'], groups: [] });
  e1Login = await m.elderAccount(worker.token, e1.id);
  e2 = await m.elder(worker.token, community.id, { name: '赵德明', diet: ['低糖', '软食'], groups: [] });
  e3 = await m.elder(worker.token, community.id, { name: '钱桂芳', diet: ['低盐', '软食'], groups: [] });
  e4 = await m.elder(worker.token, community.id, { name: '孙建国', diet: [], groups: [] });
  daughter = await m.family('张伟');
  await m.link(e1Login.token, e1.id, daughter);
  son = await m.family('孙强');
  await m.link(worker.token, e4.id, son);

  setMeal = await m.dish(staff.token, canteen.id, '今日套餐', 800);
  fish = await m.dish(staff.token, canteen.id, '清蒸鲈鱼', 900);
  pork = await m.dish(staff.token, canteen.id, '红烧肉', 1200);
  foreignDish = await m.dish(otherStaff.token, otherCanteen.id, '别家的菜', 500);
  // D1: the fish is there, two portions. D2: no fish (the set meal stands in).
  await m.putMenu(staff.token, canteen.id, D1, 'lunch', [
    { dishId: setMeal.id, quota: 50 },
    { dishId: fish.id, quota: 2 },
    { dishId: pork.id, quota: 20 },
  ]);
  await m.putMenu(staff.token, canteen.id, D2, 'lunch', [
    { dishId: setMeal.id, quota: 50 },
    { dishId: pork.id, quota: 20 },
  ]);
});

afterAll(async () => {
  await t?.close();
});

const body = (elderId: string, over: Record<string, unknown> = {}) => ({
  elderId,
  canteenId: canteen.id,
  slot: 'lunch',
  weekdays: WEEKDAYS,
  items: [{ dishId: fish.id, qty: 1 }],
  fulfilment: 'dine_in',
  payment: 'counter',
  ...over,
});
const create = (token: string, b: Record<string, unknown>) =>
  t.api.post('/api/standing-orders', b, { token });
const materialise = async (date: string) => {
  const res = await t.api.post('/api/standing-orders/materialise', { date }, { token: await m.adminToken() });
  expect(res.status).toBe(200);
  return res.body;
};
/** The canteen's orders of a day and meal, as its staff see them. */
const ordersOf = async (date: string) => {
  const res = await t.api.get(`/api/canteens/${canteen.id}/orders?date=${date}&slot=lunch`, {
    token: staff.token,
  });
  expect(res.status).toBe(200);
  return res.body.items as any[];
};
const notices = async (u: TestUser) =>
  ((await t.api.get('/api/notifications', { token: u.token })).body.items as any[]).filter(
    (n) => n.kind === 'standing_order_missed',
  );

const ids: Record<string, string> = {};

test('set-up: only people who may book for the elder; bad input is a clear 400; one standing order per meal and weekday', async () => {
  const bad = [
    body(e1.id, { weekdays: [0] }),
    body(e1.id, { weekdays: [8] }),
    body(e1.id, { weekdays: [] }),
    body(e1.id, { weekdays: [1, 1] }),
    body(e1.id, { items: [] }),
    body(e1.id, { items: [{ dishId: foreignDish.id, qty: 1 }] }),
    body(e1.id, { slot: 'breakfast' }), // the canteen serves no breakfast
    body(e1.id, { fulfilment: 'delivery' }), // nor delivers
    body(e1.id, { payment: 'cheque' }),
    body(e1.id, { items: [{ dishId: fish.id, qty: 1, fallback: 'anything' }] }),
  ];
  for (const b of bad) {
    const res = await create(e1Login.token, b);
    expect({ b, status: res.status, code: res.body.error?.code }).toEqual({
      b,
      status: 400,
      code: 'VALIDATION_FAILED',
    });
  }
  expect((await create(strangerWorker.token, body(e1.id))).status).toBe(404);
  expect((await create(staff.token, body(e1.id))).status).toBe(403);
  expect((await create(e1Login.token, body(UNKNOWN_ID))).status).toBe(404);

  const mine = await create(e1Login.token, body(e1.id));
  expect(mine.status).toBe(201);
  expect(mine.body).toMatchObject({
    elderId: e1.id,
    slot: 'lunch',
    weekdays: WEEKDAYS,
    payment: 'counter',
    status: 'active',
    pauses: [],
    items: [{ dishId: fish.id, name: '清蒸鲈鱼', qty: 1, fallback: 'set_meal' }],
    summary: '每周一至周五 午餐 · 清蒸鲈鱼 · 堂食',
  });
  ids.e1 = mine.body.id;

  // Tuesday lunch is taken already: a second one would order two lunches that day.
  const clash = await create(daughter.token, body(e1.id, { weekdays: [2, 6] }));
  expect(clash.status).toBe(409);
  expect(clash.body.error.code).toBe('STANDING_ORDER_EXISTS');
  // Dinner on the same days is another meal: fine (ended again below).
  const dinner = await create(daughter.token, body(e1.id, { slot: 'dinner', weekdays: [6, 7] }));
  expect(dinner.status).toBe(201);
  expect(dinner.body.summary).toBe('每周六、周日 晚餐 · 清蒸鲈鱼 · 堂食');

  const seen = await t.api.get(`/api/standing-orders?elderId=${e1.id}`, { token: daughter.token });
  expect(seen.status).toBe(200);
  expect(seen.body.items.map((i: any) => i.id).sort()).toEqual([ids.e1, dinner.body.id].sort());
  expect(
    (await t.api.get(`/api/standing-orders?elderId=${e1.id}`, { token: strangerWorker.token })).status,
  ).toBe(404);
  expect(
    (
      await t.api.call('DELETE', `/api/standing-orders/${dinner.body.id}`, undefined, {
        token: strangerWorker.token,
      })
    ).status,
  ).toBe(404);
  const ended = await t.api.call('DELETE', `/api/standing-orders/${dinner.body.id}`, undefined, {
    token: daughter.token,
  });
  expect(ended.status).toBe(200);
  expect(ended.body.status).toBe('ended');
  const after = await t.api.get('/api/standing-orders', { token: e1Login.token });
  expect(after.body.items.map((i: any) => i.id)).toEqual([ids.e1]);

  // The worker sets up two more; the second line of e2's is left out on a day without it.
  const two = await create(
    worker.token,
    body(e2.id, {
      items: [
        { dishId: fish.id, qty: 1, fallback: 'skip' },
        { dishId: pork.id, qty: 1 },
      ],
    }),
  );
  expect(two.status).toBe(201);
  ids.e2 = two.body.id;
  const three = await create(
    worker.token,
    body(e3.id, { items: [{ dishId: pork.id, qty: 2 }], fulfilment: 'take_away' }),
  );
  expect(three.status).toBe(201);
  expect(three.body.summary).toBe('每周一至周五 午餐 · 红烧肉×2 · 自取');
  ids.e3 = three.body.id;
});

test('the forecast adds the standing orders not yet placed to the placed orders, and counts diet notes', async () => {
  // A hand-made order for D2 (e4, pork ×1) and one cancelled (it must not count).
  await m.placed(son.token, {
    elderId: e4.id,
    canteenId: canteen.id,
    date: D2,
    slot: 'lunch',
    items: [{ dishId: pork.id, qty: 1 }],
  });
  const gone = await m.placed(son.token, {
    elderId: e4.id,
    canteenId: canteen.id,
    date: D2,
    slot: 'lunch',
    items: [{ dishId: setMeal.id, qty: 3 }],
  });
  expect((await m.cancel(son.token, gone.id)).status).toBe(200);

  const res = await t.api.get(`/api/canteens/${canteen.id}/forecast?date=${D2}`, { token: staff.token });
  expect(res.status).toBe(200);
  const lunch = res.body.days[0].slots.find((s: any) => s.slot === 'lunch');
  // Worked out by hand for Wednesday D2 (no fish on the menu):
  //   placed:   e4 pork×1
  //   standing: e1 fish → the set meal ×1; e2 fish (skip) + pork×1 → pork×1; e3 pork×2
  expect(lunch.meals).toEqual({ placed: 1, standing: 3, total: 4 });
  expect(lunch.dishes).toEqual([
    { dishId: setMeal.id, name: '今日套餐', placed: 0, standing: 1, total: 1 },
    { dishId: pork.id, name: '红烧肉', placed: 1, standing: 3, total: 4 },
  ]);
  // Diets: e1 低盐; e2 低糖 软食; e3 低盐 软食; e4 none.
  expect(lunch.diet).toEqual([
    { note: '低盐', count: 2 },
    { note: '软食', count: 2 },
    { note: '低糖', count: 1 },
  ]);
  const dinner = res.body.days[0].slots.find((s: any) => s.slot === 'dinner');
  expect(dinner).toMatchObject({
    meals: { placed: 0, standing: 0, total: 0 },
    dishes: [],
    diet: [],
    menuPublished: false,
  });

  // Without a date: tomorrow and the day after.
  const both = await t.api.get(`/api/canteens/${canteen.id}/forecast`, { token: staff.token });
  expect(both.body.days.map((d: any) => d.date)).toEqual([D1, D2]);
  expect(
    (await t.api.get(`/api/canteens/${canteen.id}/forecast?date=${D2}`, { token: otherStaff.token })).status,
  ).toBe(404);
  expect(
    (await t.api.get(`/api/canteens/${canteen.id}/forecast?date=${D2}`, { token: worker.token })).status,
  ).toBe(403);
  expect(
    (await t.api.get(`/api/canteens/${canteen.id}/forecast?date=2026-13-01`, { token: staff.token })).status,
  ).toBe(400);
});

test('the scheduler places each standing order once, as the person who set it up, marked as coming from it', async () => {
  const first = await materialise(D1);
  expect(first).toMatchObject({ date: D1, placed: 3, alreadyPlaced: 0, failed: [] });
  const again = await materialise(D1);
  expect(again).toMatchObject({ placed: 0, alreadyPlaced: 3, failed: [] });

  const orders = await ordersOf(D1);
  expect(orders).toHaveLength(3);
  const byElder = Object.fromEntries(orders.map((o) => [o.elderId, o]));
  expect(byElder[e1.id]).toMatchObject({
    status: 'placed',
    fulfilment: 'dine_in',
    standingOrderId: ids.e1,
    bookedBy: { role: 'elder', name: e1Login.name, via: 'standing_order' },
    items: [{ dishId: fish.id, qty: 1 }],
  });
  expect(byElder[e2.id]).toMatchObject({
    bookedBy: { role: 'worker', name: '李敏', via: 'standing_order' },
    items: [
      { dishId: fish.id, qty: 1 },
      { dishId: pork.id, qty: 1 },
    ],
  });
  expect(byElder[e3.id]).toMatchObject({ fulfilment: 'take_away', items: [{ dishId: pork.id, qty: 2 }] });
  // The fish's two portions went to e1 and e2.
  expect(await m.remaining(canteen.id, D1, 'lunch', fish.id)).toBe(0);

  // The run log says so; the forecast has nothing left pending for D1.
  const list = await t.api.get(`/api/standing-orders?elderId=${e1.id}`, { token: daughter.token });
  expect(list.body.items[0].runs).toEqual([
    expect.objectContaining({ date: D1, slot: 'lunch', status: 'placed', orderId: byElder[e1.id].id }),
  ]);
  const fc = await t.api.get(`/api/canteens/${canteen.id}/forecast?date=${D1}`, { token: staff.token });
  const lunch = fc.body.days[0].slots.find((s: any) => s.slot === 'lunch');
  expect(lunch.meals).toEqual({ placed: 3, standing: 0, total: 3 });
  expect(lunch.dishes.map((d: any) => [d.name, d.placed, d.standing])).toEqual([
    ['清蒸鲈鱼', 2, 0],
    ['红烧肉', 3, 0],
  ]);
});

test('a sold-out standing order is not a silent miss: the family and the worker are told, once; the run log says why', async () => {
  const res = await create(son.token, body(e4.id)); // fish, which D1 has no portions of any more
  expect(res.status).toBe(201);
  ids.e4 = res.body.id;
  const run = await materialise(D1);
  expect(run.placed).toBe(0);
  expect(run.failed).toEqual([
    expect.objectContaining({ standingOrderId: ids.e4, elderId: e4.id, code: 'SOLD_OUT' }),
  ]);
  await materialise(D1); // tried again: still sold out, not told twice

  for (const who of [son, worker]) {
    const got = await notices(who);
    expect(got).toHaveLength(1);
    expect(got[0].title).toBe('孙建国 12月1日午餐没订上');
    expect(got[0].body).toContain('菜已经订完了');
    expect(got[0]).toMatchObject({ refType: 'standing_order', refId: ids.e4 });
  }
  expect(await notices(daughter)).toEqual([]); // not her elder
  expect((await ordersOf(D1)).filter((o) => o.elderId === e4.id)).toEqual([]);
  const list = await t.api.get(`/api/standing-orders?elderId=${e4.id}`, { token: son.token });
  expect(list.body.items[0].runs[0]).toMatchObject({
    date: D1,
    status: 'failed',
    error: { code: 'SOLD_OUT' },
    attempts: 2,
  });
});

test('paused dates are skipped; a pause over a meal already placed cancels it; a pause can be removed', async () => {
  const bad = await t.api.post(
    `/api/standing-orders/${ids.e1}/pauses`,
    { from: D2, to: D1 },
    { token: daughter.token },
  );
  expect(bad.status).toBe(400);
  expect(
    (
      await t.api.post(
        `/api/standing-orders/${ids.e1}/pauses`,
        { from: D1, to: D2 },
        { token: strangerWorker.token },
      )
    ).status,
  ).toBe(404);

  const d1Order = (await ordersOf(D1)).find((o) => o.elderId === e1.id);
  const pause = await t.api.post(
    `/api/standing-orders/${ids.e1}/pauses`,
    { from: D1, to: D2 },
    { token: daughter.token },
  );
  expect(pause.status).toBe(201);
  expect(pause.body).toMatchObject({ from: D1, to: D2, cancelledOrderIds: [d1Order.id] });
  expect((await ordersOf(D1)).find((o) => o.elderId === e1.id).status).toBe('cancelled');
  expect(await m.remaining(canteen.id, D1, 'lunch', fish.id)).toBe(1);

  const d2 = await materialise(D2);
  // e2 and e3 placed; e1 paused; e4 already has a Wednesday lunch booked by hand (no second one).
  expect(d2).toMatchObject({ placed: 2, paused: 1, bookedByHand: 1, failed: [] });
  const d2Orders = await ordersOf(D2);
  const standingD2 = d2Orders.filter((o) => o.standingOrderId);
  expect(standingD2.map((o) => o.elderId).sort()).toEqual([e2.id, e3.id].sort());
  // e2's fish line is skipped on D2 (not on the menu), the pork stays.
  expect(standingD2.find((o) => o.elderId === e2.id).items).toEqual([
    expect.objectContaining({ dishId: pork.id, qty: 1 }),
  ]);

  expect(d2Orders.filter((o) => o.elderId === e4.id && o.status !== 'cancelled')).toEqual([
    expect.objectContaining({ items: [expect.objectContaining({ dishId: pork.id })] }),
  ]);

  const removed = await t.api.call(
    'DELETE',
    `/api/standing-orders/${ids.e1}/pauses/${pause.body.id}`,
    undefined,
    {
      token: e1Login.token,
    },
  );
  expect(removed.status).toBe(200);
  expect(removed.body.pauses).toEqual([]);
  const resumed = await materialise(D2);
  expect(resumed.placed).toBe(1); // e1's Wednesday set meal
  const e1D2 = (await ordersOf(D2)).filter((o) => o.elderId === e1.id);
  expect(e1D2).toEqual([
    expect.objectContaining({ status: 'placed', items: [expect.objectContaining({ dishId: setMeal.id })] }),
  ]);
});

test('an ended standing order is no longer placed, and the materialise trigger is for admin and near dates only', async () => {
  expect(
    (await t.api.call('DELETE', `/api/standing-orders/${ids.e3}`, undefined, { token: worker.token })).status,
  ).toBe(200);
  expect(
    (await t.api.call('DELETE', `/api/standing-orders/${ids.e3}`, undefined, { token: worker.token })).status,
  ).toBe(404);
  expect(
    (await t.api.post('/api/standing-orders/materialise', { date: D1 }, { token: worker.token })).status,
  ).toBe(403);
  const admin = await m.adminToken();
  expect(
    (await t.api.post('/api/standing-orders/materialise', { date: '2026-11-29' }, { token: admin })).status,
  ).toBe(400);
  expect(
    (await t.api.post('/api/standing-orders/materialise', { date: '2027-01-30' }, { token: admin })).status,
  ).toBe(400);
  const fc = await t.api.get(`/api/canteens/${canteen.id}/forecast?date=2026-12-03`, { token: staff.token });
  const lunch = fc.body.days[0].slots.find((s: any) => s.slot === 'lunch');
  // Thursday: e1, e2, e4 pending (e3 ended); no menu yet, so the dishes as set up.
  expect(lunch.meals).toEqual({ placed: 0, standing: 3, total: 3 });
  expect(lunch.menuPublished).toBe(false);
});

test('a standing order paid by meal card waits for the money: too low a balance is told, a top-up lets it through', async () => {
  const e5 = await m.elder(worker.token, communityId, { name: '周玉珍', groups: [] });
  const topUp = (amount: number) =>
    t.api.post(
      `/api/elders/${e5.id}/card/topups`,
      { amount, method: 'cash' },
      { token: worker.token, headers: { 'idempotency-key': `cash-${e5.id}-${amount}` } },
    );
  expect((await topUp(500)).status).toBe(201); // ¥5, the pork is ¥12
  const res = await create(
    worker.token,
    body(e5.id, { items: [{ dishId: pork.id, qty: 1 }], payment: 'card' }),
  );
  expect(res.status).toBe(201);

  const first = await materialise(D2);
  expect(first.failed).toEqual([expect.objectContaining({ elderId: e5.id, code: 'INSUFFICIENT_BALANCE' })]);
  const told = await notices(worker);
  expect(told.filter((n) => n.refId === res.body.id)).toEqual([
    expect.objectContaining({ body: expect.stringContaining('助餐卡余额不够') }),
  ]);
  expect((await ordersOf(D2)).filter((o) => o.elderId === e5.id)).toEqual([]);

  expect((await topUp(1000)).status).toBe(201);
  const second = await materialise(D2);
  expect(second.failed).toEqual([]);
  const [order] = (await ordersOf(D2)).filter((o) => o.elderId === e5.id);
  expect(order.payment).toMatchObject({ method: 'card', amount: 1200, status: 'paid' });
  const card = await t.api.get(`/api/elders/${e5.id}/card`, { token: worker.token });
  expect(card.body.balance).toBe(300);
});
