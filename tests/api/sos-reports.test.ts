/**
 * SOS raise → ack → resolve (one open alarm per elder, seconds to ack, overdue after five
 * minutes, unmasked emergency contacts for the community's workers), the notices it sends,
 * and the district figures: equal to counts computed here from what the test created, and
 * the running day counters equal to a full recount.
 */
import { addDays, median } from '@yiyangtong/shared';
import { DailyCounter } from '../../bff/src/reports/counters';
import { emptyCounts, recountDay } from '../../bff/src/reports/recount';
import { startTestServer, type TestServer } from '../harness/server';
import { type TestUser } from './fixtures';
import { ServiceFixtures } from './service-fixtures';

let now = new Date('2026-12-01T01:00:00Z');
const at = (iso: string) => (now = new Date(iso));
let t: TestServer;
let f: ServiceFixtures;
let comm: { id: string };
let other: { id: string };
let worker: TestUser;
let worker2: TestUser;
let otherWorker: TestUser;
let provider: TestUser;
let daughter: TestUser;
let elderLogin: TestUser;
let elder: { id: string };
let elder2: { id: string };
let elder3: { id: string };

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  f = new ServiceFixtures(t);
  comm = await f.community({ name: '关上社区' });
  other = await f.community({ name: '太和社区' });
  worker = await f.user('worker', { communityId: comm.id, name: '王助老员' });
  worker2 = await f.user('worker', { communityId: comm.id, name: '赵助老员' });
  otherWorker = await f.user('worker', { communityId: other.id });
  provider = await f.user('provider', { name: '刘护理员' });
  elder = await f.elder(worker.token, comm.id, {
    name: '李秀兰',
    diet: ['低糖'],
    emergencyContacts: [{ name: '李女士', phone: '13812345678', relation: '女儿' }],
  });
  await f.assess(worker.token, elder.id, 50); // 中度失能
  elder2 = await f.elder(worker.token, comm.id, { name: '赵德明' });
  elder3 = await f.elder(otherWorker.token, other.id, { name: '钱桂芳' });
  elderLogin = await f.elderAccount(worker.token, elder.id);
  daughter = await f.family('李女士');
  await f.link(elderLogin.token, elder.id, daughter);
});
afterAll(() => t?.close());

const ackTimes: number[] = [];
const num = (a: number, b: number) => a - b;

test('raise → a second raise returns the same open alarm → ack (seconds stored) → resolve', async () => {
  at('2026-12-01T01:00:00Z');
  const first = await t.api.post('/api/sos', { elderId: elder.id }, { token: elderLogin.token });
  expect(first.status).toBe(201);
  expect(first.body.status).toBe('open');
  const [again, byDaughter] = await Promise.all([
    t.api.post('/api/sos', { elderId: elder.id }, { token: elderLogin.token }),
    t.api.post('/api/sos', { elderId: elder.id }, { token: daughter.token }),
  ]);
  expect([again.status, byDaughter.status]).toEqual([200, 200]);
  expect([again.body.id, byDaughter.body.id]).toEqual([first.body.id, first.body.id]);

  // The community's workers see it first, with the address, notes and callable contacts.
  const list = await t.api.get('/api/sos?status=open', { token: worker.token });
  expect(list.body.items).toHaveLength(1);
  expect(list.body.items[0]).toMatchObject({
    elderName: '李秀兰',
    overdue: false,
    elder: {
      address: expect.stringContaining('幸福小区'),
      diet: ['低糖'],
      careLevel: 'moderate',
      emergencyContacts: [{ name: '李女士', phone: '13812345678', relation: '女儿' }],
    },
  });
  // Another community sees nothing, and cannot ack it.
  expect((await t.api.get('/api/sos?status=open', { token: otherWorker.token })).body.items).toEqual([]);
  expect((await t.api.post(`/api/sos/${first.body.id}/ack`, {}, { token: otherWorker.token })).status).toBe(
    404,
  );
  // The family sees the status, with the phones masked.
  const fam = await t.api.get('/api/sos', { token: daughter.token });
  expect(fam.body.items[0]).toMatchObject({ id: first.body.id, status: 'open' });
  expect(JSON.stringify(fam.body)).not.toContain('13812345678');
  // Resolving before acknowledging is out of order; the elder may not ack.
  expect((await t.api.post(`/api/sos/${first.body.id}/resolve`, {}, { token: worker.token })).status).toBe(
    409,
  );
  expect((await t.api.post(`/api/sos/${first.body.id}/ack`, {}, { token: elderLogin.token })).status).toBe(
    403,
  );

  at('2026-12-01T01:01:30Z');
  const ack = await t.api.post(`/api/sos/${first.body.id}/ack`, {}, { token: worker.token });
  expect(ack.body).toMatchObject({
    status: 'acknowledged',
    ackSeconds: 90,
    statusText: '社区已收到，正在联系您',
  });
  ackTimes.push(90);
  expect((await t.api.post(`/api/sos/${first.body.id}/ack`, {}, { token: worker2.token })).status).toBe(409);
  const mine = await t.api.get(`/api/sos/${first.body.id}`, { token: elderLogin.token });
  expect(mine.body.statusText).toBe('社区已收到，正在联系您');

  const res = await t.api.post(
    `/api/sos/${first.body.id}/resolve`,
    { notes: '老人摔倒，已送医' },
    { token: worker.token },
  );
  expect(res.body).toMatchObject({ status: 'resolved', resolution: { notes: '老人摔倒，已送医' } });
  // Once resolved, a new press raises a new alarm.
  at('2026-12-01T03:00:00Z');
  const next = await t.api.post('/api/sos', { elderId: elder.id }, { token: elderLogin.token });
  expect(next.status).toBe(201);
  expect(next.body.id).not.toBe(first.body.id);
  at('2026-12-01T03:00:20Z');
  await t.api.post(`/api/sos/${next.body.id}/ack`, {}, { token: worker2.token });
  ackTimes.push(20);
  await t.api.post(`/api/sos/${next.body.id}/resolve`, {}, { token: worker2.token });
});

test('an alarm unacknowledged for more than five minutes shows as overdue; a worker raises one for an elder', async () => {
  at('2026-12-02T02:00:00Z');
  const sos = await t.api.post('/api/sos', { elderId: elder2.id }, { token: worker.token });
  expect(sos.status).toBe(201);
  at('2026-12-02T02:04:59Z');
  expect((await t.api.get('/api/sos?status=open', { token: worker.token })).body.items[0].overdue).toBe(
    false,
  );
  at('2026-12-02T02:05:01Z');
  expect((await t.api.get('/api/sos?status=open', { token: worker.token })).body.items[0].overdue).toBe(true);
  at('2026-12-02T02:06:40Z');
  await t.api.post(`/api/sos/${sos.body.id}/ack`, {}, { token: worker.token });
  ackTimes.push(400);
  // Another community: counted only in the district figures.
  const o = await t.api.post('/api/sos', { elderId: elder3.id }, { token: otherWorker.token });
  at('2026-12-02T02:07:40Z');
  await t.api.post(`/api/sos/${o.body.id}/ack`, {}, { token: otherWorker.token });
  // A stranger's elder: 404.
  expect((await t.api.post('/api/sos', { elderId: elder3.id }, { token: worker.token })).status).toBe(404);
});

test('SOS notices reach the family and the community workers; read and read-all', async () => {
  const w2 = await t.api.get('/api/notifications', { token: worker2.token });
  expect(w2.body.items.some((n: any) => n.kind === 'sos_raised' && n.refType === 'sos')).toBe(true);
  // The other workers learn that a colleague has taken it.
  expect(w2.body.items.some((n: any) => n.kind === 'sos_acked' && n.body.includes('王助老员'))).toBe(true);
  const fam = await t.api.get('/api/notifications?unread=1', { token: daughter.token });
  const kinds = fam.body.items.map((n: any) => n.kind);
  expect(kinds).toEqual(expect.arrayContaining(['sos_raised', 'sos_acked']));
  const before = fam.body.unread;
  const one = await t.api.post(
    `/api/notifications/${fam.body.items[0].id}/read`,
    {},
    { token: daughter.token },
  );
  expect(one.body.readAt).toBeTruthy();
  expect((await t.api.get('/api/notifications', { token: daughter.token })).body.unread).toBe(before - 1);
  // Someone else's notice is not found.
  expect(
    (await t.api.post(`/api/notifications/${fam.body.items[1].id}/read`, {}, { token: worker.token })).status,
  ).toBe(404);
  await t.api.post('/api/notifications/read-all', {}, { token: daughter.token });
  const after = await t.api.get('/api/notifications?unread=1', { token: daughter.token });
  expect(after.body).toEqual({ items: [], unread: 0 });
});

test('the summary equals counts computed here, and the day counters equal a full recount', async () => {
  // Meals: one served order with a subsidy, one cancelled, in this community.
  const m = f;
  at('2026-12-01T00:00:00Z');
  const canteen = await m.canteen(comm.id, { slots: [{ slot: 'lunch', cutoff: '10:00' }] });
  const staff = await m.user('canteen_staff', { canteenId: canteen.id });
  const dish = await m.dish(staff.token, canteen.id, '番茄炒蛋', 800);
  await m.putMenu(staff.token, canteen.id, '2026-12-01', 'lunch', [{ dishId: dish.id, quota: 10 }]);
  const admin = await f.adminToken();
  await t.api.post(
    '/api/discount-rules',
    {
      name: '低保助餐',
      groups: ['dibao'],
      benefit: { type: 'amount_off', value: 300 },
      fundedBy: 'government',
      validFrom: '2026-01-01',
    },
    { token: admin },
  );
  const book = (key: string) =>
    t.api.post(
      '/api/meal-orders',
      {
        elderId: elder.id,
        canteenId: canteen.id,
        date: '2026-12-01',
        slot: 'lunch',
        items: [{ dishId: dish.id, qty: 1 }],
        fulfilment: 'dine_in',
        additional: true, // k2 is a second lunch on purpose
      },
      { token: worker.token, headers: { 'idempotency-key': key } },
    );
  const o1 = await book('k1');
  const o2 = await book('k2');
  expect(o1.body.pricing.discounts[0].amount).toBe(300);
  await t.api.post(`/api/meal-orders/${o2.body.id}/cancel`, {}, { token: worker.token });
  await t.api.post(`/api/meal-orders/${o1.body.id}/confirm`, {}, { token: staff.token });
  await t.api.post(
    `/api/canteens/${canteen.id}/pickups`,
    { code: o1.body.pickupCode, date: '2026-12-01' },
    { token: staff.token },
  );
  // The booker was told of the confirmation.
  const wn = await t.api.get('/api/notifications', { token: worker.token });
  expect(wn.body.items.some((n: any) => n.kind === 'meal_confirmed' && n.refId === o1.body.id)).toBe(true);

  // Services: one full loop (rated 3, followed up unsatisfied), one requested.
  const item = await f.item();
  const v = await f.visit(worker.token, elder.id, item.id, '2026-12-01T06:00:00Z');
  await f.visit(worker.token, elder2.id, item.id, '2026-12-02T06:00:00Z');
  await t.api.post(
    `/api/service-orders/${v.id}/dispatch`,
    { providerUserId: provider.id },
    { token: worker.token },
  );
  await t.api.post(`/api/service-orders/${v.id}/accept`, {}, { token: provider.token });
  at('2026-12-01T06:00:00Z');
  await t.api.post(`/api/service-orders/${v.id}/check-in`, {}, { token: provider.token });
  at('2026-12-01T07:30:00Z');
  await t.api.post(`/api/service-orders/${v.id}/check-out`, {}, { token: provider.token });
  await t.api.post(`/api/service-orders/${v.id}/rating`, { score: 3 }, { token: elderLogin.token });
  await t.api.post(`/api/service-orders/${v.id}/follow-up`, { satisfied: false }, { token: worker.token });

  const q = (token: string) => t.api.get('/api/reports/summary?from=2026-11-30&to=2026-12-02', { token });
  const mine = await q(worker.token);
  expect(mine.status).toBe(200);
  expect(mine.body).toMatchObject({
    mealOrders: 1,
    mealsServed: 1,
    subsidyTotal: 300,
    serviceOrders: 2,
    serviceOrdersByStatus: { followed_up: 1, requested: 1 },
    serviceHours: 1.5,
    ratings: 1,
    satisfactionRate: 0,
    followUps: 1,
    followUpSatisfactionRate: 0,
    sosCount: 3,
    sosMedianAckSeconds: median(ackTimes),
  });
  expect(median(ackTimes)).toBe(90);
  const district = await q(admin);
  expect(district.body.sosCount).toBe(4);
  expect(district.body.sosMedianAckSeconds).toBe(median([...ackTimes, 60]));
  const otherOnly = await t.api.get('/api/reports/summary?from=2026-11-30&to=2026-12-02', {
    token: otherWorker.token,
  });
  expect(otherOnly.body).toMatchObject({ sosCount: 1, mealOrders: 0, sosMedianAckSeconds: 60 });
  // A range outside the events is empty; bad ranges are 400; elders may not see figures.
  expect(
    (await t.api.get('/api/reports/summary?from=2026-12-03&to=2026-12-31', { token: admin })).body.sosCount,
  ).toBe(0);
  expect(
    (await t.api.get('/api/reports/summary?from=2026-12-03&to=2026-12-01', { token: admin })).status,
  ).toBe(400);
  expect(
    (await t.api.get('/api/reports/summary?from=2026-12-01&to=2026-12-02', { token: elderLogin.token }))
      .status,
  ).toBe(403);

  // Running counters == a full recount, field by field, for every day touched.
  for (let d = '2026-11-30'; d <= '2026-12-03'; d = addDays(d, 1)) {
    const recount = await recountDay(d);
    const stored = await DailyCounter.find({ date: d }).lean();
    for (const c of stored) {
      const r = recount.get(c.communityId);
      const svc = Object.fromEntries(Object.entries(c.svc ?? {}).filter(([, n]) => n !== 0));
      expect({
        ...emptyCounts(),
        ...c,
        svc,
        sosAckSeconds: [...(c.sosAckSeconds ?? [])].sort(num),
      }).toMatchObject({
        mealOrders: r?.mealOrders ?? 0,
        mealsServed: r?.mealsServed ?? 0,
        subsidyTotal: r?.subsidyTotal ?? 0,
        svc: r?.svc ?? {},
        serviceMinutes: r?.serviceMinutes ?? 0,
        ratings: r?.ratings ?? 0,
        ratingsGood: r?.ratingsGood ?? 0,
        followUps: r?.followUps ?? 0,
        followUpsSatisfied: r?.followUpsSatisfied ?? 0,
        sosCount: r?.sosCount ?? 0,
        sosAckSeconds: [...(r?.sosAckSeconds ?? [])].sort(num),
      });
    }
    expect(stored.length).toBe(recount.size);
  }
});

test('an open-alarm marker left by a crashed raiser does not block the elder for ever', async () => {
  const { SosOpen } = await import('../../bff/src/sos/model');
  const lone = await f.elder(worker.token, comm.id, { name: '孙老' });
  const stale = new Date(Date.now() - 60_000);
  await SosOpen.collection.insertOne({
    _id: lone.id as never,
    sosId: 'aaaaaaaaaaaaaaaaaaaaaaaa',
    createdAt: stale,
  });
  at('2026-12-04T01:00:00Z');
  const res = await t.api.post('/api/sos', { elderId: lone.id }, { token: worker.token });
  expect(res.status).toBe(201);
  expect(res.body.status).toBe('open');
});
