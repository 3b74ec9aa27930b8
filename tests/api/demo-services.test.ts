/**
 * The demo district's month of home-service and SOS history: visits in every state, a second
 * provider, and day counters that equal a full recount — so the figures page is not empty.
 */
import { addDays, chinaDate, SERVICE_STATUSES } from '@yiyangtong/shared';
import { DailyCounter } from '../../bff/src/reports/counters';
import { emptyCounts, recountDay } from '../../bff/src/reports/recount';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoDistrict } from '../../bff/src/seed/demo';
import { startTestServer, type TestServer } from '../harness/server';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  expect(await seedDemoDistrict()).toBe(true);
});
afterAll(() => t?.close());

test('every visit state, ratings, follow-ups and SOS are in the history; figures are not empty', async () => {
  const admin = await t.api.login(t.admin.phone, t.admin.password);
  const seen = new Set<string>();
  for (const status of SERVICE_STATUSES) {
    const res = await t.api.get(`/api/service-orders?status=${status}`, { token: admin });
    if (res.body.items.length) seen.add(status);
  }
  expect([...seen].sort()).toEqual([...SERVICE_STATUSES].sort());
  const today = chinaDate(new Date());
  const s = await t.api.get(`/api/reports/summary?from=${addDays(today, -30)}&to=${today}`, { token: admin });
  expect(s.body.serviceOrders).toBe(56);
  expect(s.body.serviceHours).toBeGreaterThan(10);
  expect(s.body.ratings).toBeGreaterThan(5);
  expect(s.body.satisfactionRate).toBeGreaterThan(0.5);
  expect(s.body.sosCount).toBe(9);
  expect(s.body.sosMedianAckSeconds).toBeGreaterThan(0);
  expect(s.body.sosOutcomes).toEqual({ false_alarm: 5, hospital: 4, helped_at_home: 0, other: 0 });
  const items = await t.api.get('/api/service-items', { token: admin });
  expect(items.body.items.map((i: any) => `${i.name} ${i.price}/${i.unit}`)).toEqual(
    expect.arrayContaining(['上门助浴 6000/visit', '居家保洁 3000/hour']),
  );
});

test('both providers sign in; the demo provider sees only their visits', async () => {
  const [first, second] = DEMO_ACCOUNTS.filter((a) => a.role === 'provider');
  expect(first.phone).toBe('13900000003'); // the existing demo provider is kept
  const p1 = await t.api.login(first.phone, DEMO_PASSWORD);
  const p2 = await t.api.login(second.phone, DEMO_PASSWORD);
  const [a, b] = await Promise.all([
    t.api.get('/api/service-orders', { token: p1 }),
    t.api.get('/api/service-orders', { token: p2 }),
  ]);
  expect(a.body.items.length).toBeGreaterThan(0);
  expect(b.body.items.length).toBeGreaterThan(0);
  const ids = new Set(a.body.items.map((v: any) => v.id));
  expect(b.body.items.some((v: any) => ids.has(v.id))).toBe(false);
});

test('the seeded day counters equal a full recount', async () => {
  const today = chinaDate(new Date());
  for (let d = addDays(today, -31); d <= addDays(today, 3); d = addDays(d, 1)) {
    const recount = await recountDay(d);
    const stored = await DailyCounter.find({ date: d }).lean();
    expect(stored.length).toBe(recount.size);
    for (const c of stored) {
      const { _id: _i, communityId: _c, date: _d, month: _m, ...counts } = c;
      expect({ ...emptyCounts(), ...counts }).toEqual({ ...emptyCounts(), ...recount.get(c.communityId) });
    }
  }
});
