/**
 * One kind of alarm, several sources: an alarm the system raises (a care call's escalation, a
 * courier who found nobody home) goes through the elder's SOS flow — one open alarm per elder,
 * family and workers told with the reason in words, ack/resolve, overdue after 5 minutes,
 * response time counted — and the worker desk lists every source together, overdue first,
 * then newest first.
 */
import { DailyCounter } from '../../bff/src/reports/counters';
import { recountDay } from '../../bff/src/reports/recount';
import { raiseSystemAlarm } from '../../bff/src/sos/service';
import { startTestServer, type TestServer } from '../harness/server';
import { type TestUser } from './fixtures';
import { ServiceFixtures } from './service-fixtures';

let now = new Date('2026-12-02T01:00:00Z');
const at = (iso: string) => (now = new Date(iso));
let t: TestServer;
let f: ServiceFixtures;
let comm: { id: string };
let worker: TestUser;
let daughter: TestUser;
let elderLogin: TestUser;
let elder: { id: string };
let elder2: { id: string };
let elder3: { id: string };

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  f = new ServiceFixtures(t);
  comm = await f.community({ name: '关上社区' });
  worker = await f.user('worker', { communityId: comm.id, name: '王助老员' });
  elder = await f.elder(worker.token, comm.id, { name: '李秀兰' });
  elder2 = await f.elder(worker.token, comm.id, { name: '赵德明' });
  elder3 = await f.elder(worker.token, comm.id, { name: '孙桂英' });
  elderLogin = await f.elderAccount(worker.token, elder.id);
  daughter = await f.family('李女士');
  await f.link(elderLogin.token, elder.id, daughter);
});
afterAll(() => t?.close());

const courier = { userId: 'staff-1', role: 'canteen_staff' as const, name: '送餐员小陈' };
const notices = async (u: TestUser) => (await t.api.get('/api/notifications', { token: u.token })).body.items;
const openAlarms = async () =>
  (await t.api.get('/api/sos?status=open', { token: worker.token })).body.items as any[];

test('a system alarm: on the desk with its source and reason, family told once, not cancellable as a mistake', async () => {
  at('2026-12-02T01:00:00Z');
  const first = await raiseSystemAlarm(
    { elderId: elder.id, source: 'delivery', reason: '送餐：敲门无人应答', by: courier },
    now,
  );
  expect(first.created).toBe(true);
  // Raised again while open (a second courier, a care call): the same alarm, nobody told twice.
  const again = await raiseSystemAlarm(
    { elderId: elder.id, source: 'care_call', reason: '主动关怀：身体不适', by: courier },
    now,
  );
  expect(again.created).toBe(false);
  expect(String(again.sos._id)).toBe(String(first.sos._id));

  const id = String(first.sos._id);
  const listed = (await openAlarms()).filter((a) => a.elderId === elder.id);
  expect(listed).toHaveLength(1);
  expect(listed[0]).toMatchObject({ id, source: 'delivery', reason: '送餐：敲门无人应答' });
  expect(listed[0].elder.address).toBeTruthy(); // the worker sees where to go

  const familyNotices = (await notices(daughter)).filter((n: any) => n.refId === id);
  expect(familyNotices).toHaveLength(1);
  expect(familyNotices[0].body).toContain('送餐：敲门无人应答');
  expect((await notices(worker)).filter((n: any) => n.refId === id)).toHaveLength(1);

  // The family sees it with its reason, and cannot close it as "pressed by mistake".
  const seen = await t.api.get(`/api/sos/${id}`, { token: daughter.token });
  expect(seen.body).toMatchObject({ source: 'delivery', reason: '送餐：敲门无人应答', status: 'open' });
  const cancel = await t.api.post(`/api/sos/${id}/cancel`, {}, { token: daughter.token });
  expect(cancel.status).toBe(409);

  // The same flow: ack (response time counted), resolve with an outcome.
  at('2026-12-02T01:02:00Z');
  const ack = await t.api.post(`/api/sos/${id}/ack`, {}, { token: worker.token });
  expect(ack.body).toMatchObject({ status: 'acknowledged', ackSeconds: 120 });
  const done = await t.api.post(
    `/api/sos/${id}/resolve`,
    { outcome: 'helped_at_home', notes: '上门查看，长者在家睡着了' },
    { token: worker.token },
  );
  expect(done.body.status).toBe('resolved');
});

test('the desk lists every source together: overdue first, then newest first; ?source= filters', async () => {
  at('2026-12-02T02:00:00Z');
  const old = await t.api.post('/api/sos', { elderId: elder2.id }, { token: worker.token }); // the elder's key
  at('2026-12-02T02:07:00Z'); // old is overdue now
  const care = await raiseSystemAlarm(
    { elderId: elder.id, source: 'care_call', reason: '主动关怀：连续两次未接通', by: courier },
    now,
  );
  at('2026-12-02T02:08:00Z');
  const delivery = await raiseSystemAlarm(
    { elderId: elder3.id, source: 'delivery', reason: '送餐：长者说身体不适', by: courier },
    now,
  );
  const list = await openAlarms();
  expect(list.map((a) => a.id)).toEqual([old.body.id, String(delivery.sos._id), String(care.sos._id)]);
  expect(list.map((a) => [a.source, a.overdue])).toEqual([
    ['elder', true],
    ['delivery', false],
    ['care_call', false],
  ]);
  const onlyCare = (await t.api.get('/api/sos?status=open&source=care_call', { token: worker.token })).body
    .items;
  expect(onlyCare.map((a: any) => a.id)).toEqual([String(care.sos._id)]);
  expect((await t.api.get('/api/sos?source=phone', { token: worker.token })).status).toBe(400);
});

test('figures count alarms by source, and the recount agrees with the running counters', async () => {
  const summary = (
    await t.api.get(`/api/reports/summary?from=2026-12-02&to=2026-12-02&communityId=${comm.id}`, {
      token: await f.adminToken(),
    })
  ).body;
  expect(summary.sosBySource).toEqual({ elder: 1, care_call: 1, delivery: 2 });
  expect(summary.sosCount).toBe(4);
  const recount = (await recountDay('2026-12-02')).get(comm.id);
  const stored = await DailyCounter.findById(`${comm.id}:2026-12-02`).lean();
  expect(recount?.sosBySource).toEqual(stored?.sosBySource);
});
