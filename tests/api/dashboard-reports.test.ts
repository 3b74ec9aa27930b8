/**
 * The district dashboard's figures: every number by the meal's date, so the summary and the
 * canteens' settlement agree on a month (a meal booked on 30 November for 1 December counts in
 * December in both); the trend series add up to the summary; the communities side by side add
 * up to the district; the subsidy by funder adds up to the subsidy; a worker sees their own
 * community only.
 */
import { startTestServer, type TestServer } from '../harness/server';
import type { TestUser } from './fixtures';
import { ServiceFixtures } from './service-fixtures';

let now = new Date('2026-11-30T01:00:00Z'); // 09:00 China time, Monday 30 November
const at = (iso: string) => (now = new Date(iso));
let t: TestServer;
let f: ServiceFixtures;
let admin: string;
let commA: { id: string; name: string };
let commB: { id: string; name: string };
let workerA: TestUser;
let workerB: TestUser;
let elderLogin: TestUser;
let canteenA: { id: string };
let canteenB: { id: string };

const FIGURES = ['mealOrders', 'mealsServed', 'subsidyTotal', 'serviceOrders', 'serviceMinutes', 'sosCount'];
const get = async (path: string, token: string) => {
  const res = await t.api.get(path, { token });
  if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const pick = (o: Record<string, number>) => Object.fromEntries(FIGURES.map((k) => [k, o[k]]));
const add = (rows: Record<string, number>[]) =>
  Object.fromEntries(FIGURES.map((k) => [k, rows.reduce((s, r) => s + r[k], 0)]));

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  f = new ServiceFixtures(t);
  admin = await f.adminToken();
  commA = await f.community({ name: '关上社区' });
  commB = await f.community({ name: '太和社区' });
  workerA = await f.user('worker', { communityId: commA.id });
  workerB = await f.user('worker', { communityId: commB.id });
  canteenA = await f.canteen(commA.id);
  canteenB = await f.canteen(commB.id);
  await f.rule({
    name: '60岁以上助餐优惠',
    minAge: 60,
    benefit: { type: 'amount_off', value: 100 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom: '2026-01-01',
  });
  await f.rule({
    name: '太和食堂让利',
    canteenId: canteenB.id,
    benefit: { type: 'amount_off', value: 50 },
    fundedBy: 'canteen',
    priority: 10,
    validFrom: '2026-01-01',
  });
  const elderA = await f.elder(workerA.token, commA.id, { name: '李秀兰', birthDate: '1950-03-01' });
  const elderA2 = await f.elder(workerA.token, commA.id, { name: '赵德明', birthDate: '1948-05-01' });
  const elderB = await f.elder(workerB.token, commB.id, { name: '钱桂芳', birthDate: '1952-07-01' });
  elderLogin = await f.elderAccount(workerA.token, elderA.id);

  const staffA = await f.user('canteen_staff', { canteenId: canteenA.id });
  const staffB = await f.user('canteen_staff', { canteenId: canteenB.id });
  const dishA = await f.dish(staffA.token, canteenA.id, '番茄炒蛋', 1200);
  const dishB = await f.dish(staffB.token, canteenB.id, '清蒸鲈鱼', 1500);
  for (const date of ['2026-11-30', '2026-12-01', '2026-12-02']) {
    await f.putMenu(staffA.token, canteenA.id, date, 'lunch', [{ dishId: dishA.id, quota: 20 }]);
    await f.putMenu(staffB.token, canteenB.id, date, 'lunch', [{ dishId: dishB.id, quota: 20 }]);
  }
  const book = (token: string, elderId: string, canteenId: string, dishId: string, date: string) =>
    f.placed(token, { elderId, canteenId, date, slot: 'lunch', items: [{ dishId, qty: 1 }] });

  // All booked on 30 November: one meal that day, the rest for December.
  await book(workerA.token, elderA.id, canteenA.id, dishA.id, '2026-11-30');
  const dec1 = await book(workerA.token, elderA.id, canteenA.id, dishA.id, '2026-12-01');
  await book(workerA.token, elderA2.id, canteenA.id, dishA.id, '2026-12-01');
  const gone = await book(workerA.token, elderA2.id, canteenA.id, dishA.id, '2026-12-02');
  await book(workerB.token, elderB.id, canteenB.id, dishB.id, '2026-12-02');
  expect((await f.cancel(workerA.token, gone.id)).status).toBe(200);

  // 1 December: the meal is served; an alarm answered in 90 s; a visit served for 90 minutes.
  at('2026-12-01T03:00:00Z');
  await t.api.post(`/api/meal-orders/${dec1.id}/confirm`, {}, { token: staffA.token });
  const pickup = await t.api.post(
    `/api/canteens/${canteenA.id}/pickups`,
    { code: dec1.pickupCode, date: '2026-12-01' },
    { token: staffA.token },
  );
  expect(pickup.status).toBe(200);
  const sos = await t.api.post('/api/sos', { elderId: elderA.id }, { token: elderLogin.token });
  at('2026-12-01T03:01:30Z');
  expect((await t.api.post(`/api/sos/${sos.body.id}/ack`, {}, { token: workerA.token })).status).toBe(200);
  const provider = await f.user('provider', { name: '刘护理员' });
  const item = await f.item();
  const v = await f.visit(workerA.token, elderA.id, item.id, '2026-12-01T06:00:00Z');
  await t.api.post(
    `/api/service-orders/${v.id}/dispatch`,
    { providerUserId: provider.id },
    { token: workerA.token },
  );
  await t.api.post(`/api/service-orders/${v.id}/accept`, {}, { token: provider.token });
  at('2026-12-01T06:00:00Z');
  await t.api.post(`/api/service-orders/${v.id}/check-in`, {}, { token: provider.token });
  at('2026-12-01T07:30:00Z');
  await t.api.post(`/api/service-orders/${v.id}/check-out`, {}, { token: provider.token });
  await t.api.post(`/api/service-orders/${v.id}/rating`, { score: 5 }, { token: elderLogin.token });
  // 2 December, community B: an alarm answered in 30 s.
  at('2026-12-02T02:00:00Z');
  const sosB = await t.api.post('/api/sos', { elderId: elderB.id }, { token: workerB.token });
  at('2026-12-02T02:00:30Z');
  await t.api.post(`/api/sos/${sosB.body.id}/ack`, {}, { token: workerB.token });
});
afterAll(() => t?.close());

test('the summary and the settlement agree on a month, both by the meal date', async () => {
  for (const [month, last, orders] of [
    ['2026-11', '2026-11-30', 1],
    ['2026-12', '2026-12-31', 3],
  ] as const) {
    const summary = await get(`/api/reports/summary?from=${month}-01&to=${last}`, admin);
    const settled = await Promise.all(
      [canteenA, canteenB].map((c) => get(`/api/reports/settlement?canteenId=${c.id}&month=${month}`, admin)),
    );
    const funders = settled.flatMap((s) => s.funders as { amount: number }[]);
    expect(summary.mealOrders).toBe(orders);
    expect(settled.reduce((s, x) => s + x.orders, 0)).toBe(orders);
    expect(summary.subsidyTotal).toBe(funders.reduce((s, x) => s + x.amount, 0));
  }
  // The meal booked on 30 November for 1 December is December's, in the dashboard too.
  const dec = await get('/api/reports/trends?from=2026-12-01&to=2026-12-31&by=day', admin);
  expect(dec.points[0]).toMatchObject({
    start: '2026-12-01',
    end: '2026-12-01',
    mealOrders: 2,
    mealsServed: 1,
  });
});

test('the trends by day and by week add up to the summary of the same range', async () => {
  const from = '2026-11-25';
  const to = '2026-12-09';
  const summary = await get(`/api/reports/summary?from=${from}&to=${to}`, admin);
  expect(pick(summary)).toEqual({
    mealOrders: 4,
    mealsServed: 1,
    subsidyTotal: summary.subsidyTotal,
    serviceOrders: 1,
    serviceMinutes: 90,
    sosCount: 2,
  });
  const byDay = await get(`/api/reports/trends?from=${from}&to=${to}&by=day`, admin);
  expect(byDay.points).toHaveLength(15);
  expect(add(byDay.points)).toEqual(pick(summary));
  expect(byDay.points.find((p: any) => p.start === '2026-12-01').sosMedianAckSeconds).toBe(90);
  const byWeek = await get(`/api/reports/trends?from=${from}&to=${to}&by=week`, admin);
  // Weeks start on Monday and are clipped to the range.
  expect(byWeek.points.map((p: any) => [p.start, p.end])).toEqual([
    ['2026-11-25', '2026-11-29'],
    ['2026-11-30', '2026-12-06'],
    ['2026-12-07', '2026-12-09'],
  ]);
  expect(add(byWeek.points)).toEqual(pick(summary));
  expect(byWeek.points[1].sosMedianAckSeconds).toBe(60);
  expect(byWeek.points[1].serviceHours).toBe(1.5);
  expect(byWeek.points[1].satisfactionRate).toBe(1);
});

test('the communities side by side add up to the district; the subsidy by funder adds up to the subsidy', async () => {
  const range = 'from=2026-11-30&to=2026-12-31';
  const district = await get(`/api/reports/summary?${range}`, admin);
  const side = await get(`/api/reports/communities?${range}`, admin);
  expect(side.items.map((c: any) => c.name)).toEqual(expect.arrayContaining(['关上社区', '太和社区']));
  expect(add(side.items)).toEqual(pick(district));
  expect(pick(side.total)).toEqual(pick(district));
  const a = side.items.find((c: any) => c.communityId === commA.id);
  expect(a).toMatchObject({ mealOrders: 3, mealsServed: 1, sosCount: 1, sosMedianAckSeconds: 90 });

  const funders = await get(`/api/reports/funders?${range}`, admin);
  const amount = (who: string) => funders.items.find((x: any) => x.fundedBy === who).amount;
  expect(amount('government')).toBe(300); // three meals in community A (the fourth was cancelled)
  expect(amount('canteen')).toBe(50); // the meal at community B's canteen
  expect(amount('government') + amount('canteen')).toBe(district.subsidyTotal);
  const settled = await Promise.all(
    [canteenA, canteenB].map((c) => get(`/api/reports/settlement?canteenId=${c.id}&month=2026-12`, admin)),
  );
  const settledCanteen = settled
    .flatMap((s) => s.funders as { fundedBy: string; amount: number }[])
    .filter((x) => x.fundedBy === 'canteen')
    .reduce((s, x) => s + x.amount, 0);
  expect(amount('canteen')).toBe(settledCanteen);
});

test('a worker sees their own community only; elders see no figures; ranges are checked', async () => {
  const range = 'from=2026-11-30&to=2026-12-31';
  const own = await get(`/api/reports/communities?${range}`, workerB.token);
  expect(own.items.map((c: any) => c.communityId)).toEqual([commB.id]);
  const ownSummary = await get(`/api/reports/summary?${range}`, workerB.token);
  expect(pick(own.total)).toEqual(pick(ownSummary));
  expect(ownSummary).toMatchObject({ mealOrders: 1, sosCount: 1 });
  const trend = await get(`/api/reports/trends?${range}&by=week`, workerB.token);
  expect(add(trend.points)).toEqual(pick(ownSummary));
  const funders = await get(`/api/reports/funders?${range}`, workerB.token);
  expect(funders.subsidyTotal).toBe(ownSummary.subsidyTotal);

  for (const path of ['trends', 'communities', 'funders']) {
    expect((await t.api.get(`/api/reports/${path}?${range}`, { token: elderLogin.token })).status).toBe(403);
    expect(
      (await t.api.get(`/api/reports/${path}?from=2026-12-02&to=2026-12-01`, { token: admin })).status,
    ).toBe(400);
    expect(
      (await t.api.get(`/api/reports/${path}?from=2026-01-01&to=2027-06-01`, { token: admin })).status,
    ).toBe(400);
  }
});
