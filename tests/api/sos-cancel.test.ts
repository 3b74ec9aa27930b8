/**
 * An alarm raised by mistake is cancelled (the elder, linked family or the community's worker)
 * while nobody has acknowledged it; after the ack it is 409, also when cancel and ack race.
 * Workers are told; cancelled alarms are counted apart from sosCount and its median. Resolving
 * records an outcome the figures count. Who to call: the family's notice and SOS status carry
 * the community worker's work phone; the worker sees the elder's own phone whole.
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
let worker: TestUser;
let worker2: TestUser;
let otherWorker: TestUser;
let provider: TestUser;
let daughter: TestUser;
let elderLogin: TestUser;
let elder: { id: string; sent: Record<string, any> };
let elder2: { id: string };

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  f = new ServiceFixtures(t);
  comm = await f.community({ name: '关上社区' });
  const other = await f.community({ name: '太和社区' });
  worker = await f.user('worker', { communityId: comm.id, name: '王助老员' });
  worker2 = await f.user('worker', { communityId: comm.id, name: '赵助老员' });
  otherWorker = await f.user('worker', { communityId: other.id });
  provider = await f.user('provider', { name: '刘护理员' });
  elder = await f.elder(worker.token, comm.id, { name: '李秀兰' });
  elder2 = await f.elder(worker.token, comm.id, { name: '赵德明' });
  elderLogin = await f.elderAccount(worker.token, elder.id);
  daughter = await f.family('李女士');
  await f.link(elderLogin.token, elder.id, daughter);
});
afterAll(() => t?.close());

const raise = async (token: string, elderId = elder.id) => {
  const res = await t.api.post('/api/sos', { elderId }, { token });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const cancel = (id: string, token: string, body: object = {}) =>
  t.api.post(`/api/sos/${id}/cancel`, body, { token });
const notices = async (u: TestUser) => (await t.api.get('/api/notifications', { token: u.token })).body.items;

const ackTimes: number[] = [];

test('the elder cancels a mistaken alarm: cancelled, workers and family told, a new press raises a new one', async () => {
  at('2026-12-01T01:00:00Z');
  const id = await raise(elderLogin.token);
  at('2026-12-01T01:00:20Z');
  const res = await cancel(id, elderLogin.token, { reason: '不小心按到了' });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ id, status: 'cancelled', statusText: '已取消（误按）' });
  const seen = await t.api.get(`/api/sos/${id}`, { token: daughter.token });
  expect(seen.body).toMatchObject({ status: 'cancelled', cancellation: { reason: '不小心按到了' } });
  // The workers no longer see it as waiting, and are told.
  expect((await t.api.get('/api/sos?status=open', { token: worker.token })).body.items).toEqual([]);
  for (const w of [worker, worker2]) {
    const n = (await notices(w)).find((x: any) => x.kind === 'sos_cancelled' && x.refId === id);
    expect(n).toBeTruthy();
    expect(n.body).toContain('李秀兰');
  }
  expect((await notices(daughter)).some((x: any) => x.kind === 'sos_cancelled' && x.refId === id)).toBe(true);
  // Not again, and nobody can acknowledge it any more.
  expect((await cancel(id, elderLogin.token)).status).toBe(409);
  expect((await t.api.post(`/api/sos/${id}/ack`, {}, { token: worker.token })).status).toBe(409);
  // A new press is a new alarm.
  const next = await raise(elderLogin.token);
  expect(next).not.toBe(id);
  expect((await cancel(next, elderLogin.token)).status).toBe(200);
});

test('linked family and the community worker may cancel; others may not', async () => {
  at('2026-12-01T02:00:00Z');
  const byFamily = await raise(daughter.token);
  expect((await cancel(byFamily, otherWorker.token)).status).toBe(404);
  expect((await cancel(byFamily, provider.token)).status).toBe(403);
  expect((await cancel(byFamily, await f.adminToken())).status).toBe(403);
  const stranger = await f.family('陌生人');
  expect((await cancel(byFamily, stranger.token)).status).toBe(404);
  expect((await cancel(byFamily, daughter.token)).body.status).toBe('cancelled');
  // The worker cancels the one raised for another elder; the raiser (the elder) is told too.
  const byElder = await raise(elderLogin.token);
  const res = await cancel(byElder, worker.token, {});
  expect(res.status).toBe(200);
  expect(res.body.status).toBe('cancelled');
  expect((await notices(worker2)).some((x: any) => x.kind === 'sos_cancelled' && x.refId === byElder)).toBe(
    true,
  );
  const w2 = await raise(worker.token, elder2.id);
  expect((await cancel(w2, worker2.token)).status).toBe(200);
  // Bad input is 400, not 5xx.
  expect((await cancel(w2, worker.token, { reason: 1 })).status).toBe(400);
  expect((await cancel('aaaaaaaaaaaaaaaaaaaaaaaa', worker.token)).status).toBe(404);
});

test('after the ack a cancel is 409; when cancel and ack race exactly one wins', async () => {
  at('2026-12-01T03:00:00Z');
  const id = await raise(elderLogin.token);
  at('2026-12-01T03:00:30Z');
  expect((await t.api.post(`/api/sos/${id}/ack`, {}, { token: worker.token })).status).toBe(200);
  ackTimes.push(30);
  const late = await cancel(id, elderLogin.token);
  expect(late.status).toBe(409);
  expect(late.body.error.code).toBe('WRONG_STATE');
  expect((await t.api.get(`/api/sos/${id}`, { token: elderLogin.token })).body.status).toBe('acknowledged');
  await t.api.post(
    `/api/sos/${id}/resolve`,
    { outcome: 'helped_at_home', notes: '扶起' },
    { token: worker.token },
  );

  for (let i = 0; i < 4; i++) {
    at(`2026-12-01T0${4 + i}:00:00Z`);
    const r = await raise(elderLogin.token);
    at(`2026-12-01T0${4 + i}:00:10Z`);
    const [a, c] = await Promise.all([
      t.api.post(`/api/sos/${r}/ack`, {}, { token: worker.token }),
      cancel(r, daughter.token),
    ]);
    expect([a.status, c.status].sort()).toEqual([200, 409]);
    const final = (await t.api.get(`/api/sos/${r}`, { token: worker.token })).body;
    expect(final.status).toBe(a.status === 200 ? 'acknowledged' : 'cancelled');
    if (a.status === 200) {
      ackTimes.push(10);
      const done = await t.api.post(`/api/sos/${r}/resolve`, {}, { token: worker.token });
      expect(done.body.status).toBe('resolved');
    }
  }
});

test('resolving records the outcome; outcome stays optional; an unknown one is 400', async () => {
  at('2026-12-02T01:00:00Z');
  const id = await raise(elderLogin.token);
  at('2026-12-02T01:02:00Z');
  await t.api.post(`/api/sos/${id}/ack`, {}, { token: worker.token });
  ackTimes.push(120);
  expect(
    (await t.api.post(`/api/sos/${id}/resolve`, { outcome: 'fine' }, { token: worker.token })).status,
  ).toBe(400);
  const res = await t.api.post(
    `/api/sos/${id}/resolve`,
    { outcome: 'hospital', notes: '送市一院' },
    { token: worker.token },
  );
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({
    status: 'resolved',
    resolution: { outcome: 'hospital', notes: '送市一院' },
  });
  // A resolved alarm cannot be cancelled.
  expect((await cancel(id, elderLogin.token)).status).toBe(409);
  const again = await raise(elderLogin.token);
  await t.api.post(`/api/sos/${again}/ack`, {}, { token: worker.token });
  ackTimes.push(0);
  await t.api.post(`/api/sos/${again}/resolve`, { outcome: 'false_alarm' }, { token: worker.token });
});

test("the family is told whom to call (the worker's phone); the worker sees the elder's own phone whole", async () => {
  at('2026-12-02T03:00:00Z');
  const id = await raise(elderLogin.token);
  const n = (await notices(daughter)).find((x: any) => x.kind === 'sos_raised' && x.refId === id);
  expect(n.body).toContain(worker.phone);
  expect(n.body).toContain('王助老员');
  const mine = await t.api.get('/api/sos', { token: daughter.token });
  const live = mine.body.items.find((s: any) => s.id === id);
  expect(live.communityWorkers).toEqual(expect.arrayContaining([{ name: '王助老员', phone: worker.phone }]));
  const desk = await t.api.get('/api/sos?status=open', { token: worker.token });
  expect(desk.body.items.find((s: any) => s.id === id).elder.phone).toBe(elder.sent.phone);
  expect((await cancel(id, elderLogin.token)).status).toBe(200);
});

test('the summary counts cancellations apart and outcomes; the day counters equal a full recount', async () => {
  const q = await t.api.get('/api/reports/summary?from=2026-12-01&to=2026-12-02', { token: worker.token });
  expect(q.status).toBe(200);
  const raced = ackTimes.filter((s) => s === 10).length;
  // Day 1: 2 (elder) + 3 (family/elder/worker) + 1 acked + 4 raced; day 2: 2 resolved + 1 cancelled.
  const cancelled = 5 + (4 - raced) + 1;
  expect(q.body).toMatchObject({
    sosCount: 1 + raced + 2,
    sosCancelled: cancelled,
    sosResolved: 1 + raced + 2,
    sosOutcomes: { false_alarm: 1, helped_at_home: 1, hospital: 1, other: 0 },
    sosMedianAckSeconds: median(ackTimes),
  });
  for (let d = '2026-12-01'; d <= '2026-12-02'; d = addDays(d, 1)) {
    const recount = await recountDay(d);
    const stored = await DailyCounter.find({ date: d }).lean();
    expect(stored.length).toBe(recount.size);
    for (const c of stored) {
      const r = { ...emptyCounts(), ...recount.get(c.communityId) };
      const outcomes = Object.fromEntries(Object.entries(c.sosOutcomes ?? {}).filter(([, n]) => n !== 0));
      expect({
        sosCount: c.sosCount,
        sosCancelled: c.sosCancelled,
        sosResolved: c.sosResolved ?? 0,
        outcomes,
      }).toEqual({
        sosCount: r.sosCount,
        sosCancelled: r.sosCancelled,
        sosResolved: r.sosResolved,
        outcomes: r.sosOutcomes,
      });
    }
  }
});
