/**
 * 主动关怀: a worker puts elders on a care-call plan, works through the day's calls with the
 * elder's whole phone, and records each outcome. Unwell, or a second no-answer in a row, raises
 * one `care_call` alarm that reaches the family; a day's calls not made show as missed the next
 * morning; the figures count what happened.
 */
import { isoWeekday } from '@yiyangtong/shared';
import { CareCall, careCallId, communityDay } from '../../bff/src/care/model';
import { recoverCareAlarms } from '../../bff/src/care/service';
import { startTestServer, type TestServer } from '../harness/server';
import { Fixtures, type TestUser, UNKNOWN_ID } from './fixtures';

let now = new Date('2026-12-02T01:00:00Z'); // 09:00 in China, Wednesday 2 December
const at = (iso: string) => (now = new Date(iso));
let t: TestServer;
let f: Fixtures;
let comm: { id: string };
let otherComm: { id: string };
let worker: TestUser;
let worker2: TestUser;
let outsider: TestUser;
let daughter: TestUser;
let li: { id: string; sent: Record<string, any> };
let zhao: { id: string; sent: Record<string, any> };
let sun: { id: string; sent: Record<string, any> };
let qian: { id: string; sent: Record<string, any> };

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  f = new Fixtures(t);
  comm = await f.community({ name: '关上社区' });
  otherComm = await f.community({ name: '金马社区' });
  worker = await f.user('worker', { communityId: comm.id, name: '王助老员' });
  worker2 = await f.user('worker', { communityId: comm.id, name: '刘助老员' });
  outsider = await f.user('worker', { communityId: otherComm.id, name: '陈助老员' });
  li = await f.elder(worker.token, comm.id, { name: '李秀兰' });
  zhao = await f.elder(worker.token, comm.id, { name: '赵德明' });
  sun = await f.elder(worker.token, comm.id, { name: '孙桂英' });
  qian = await f.elder(worker.token, comm.id, { name: '钱玉珍' });
  const liLogin = await f.elderAccount(worker.token, li.id);
  daughter = await f.family('李女士');
  await f.link(liLogin.token, li.id, daughter);
});
afterAll(() => t?.close());

const plan = (token: string, body: Record<string, unknown>) => t.api.post('/api/care-plans', body, { token });
const call = (token: string, body: Record<string, unknown>) => t.api.post('/api/care-calls', body, { token });
const callsOn = async (date?: string, token = worker.token) => {
  const res = await t.api.get(`/api/care-calls${date ? `?date=${date}` : ''}`, { token });
  expect(res.status).toBe(200);
  return res.body.items as any[];
};
const openAlarmsOf = async (elderId: string) =>
  ((await t.api.get('/api/sos?status=open', { token: worker.token })).body.items as any[]).filter(
    (a) => a.elderId === elderId,
  );
const familyNotices = async () =>
  ((await t.api.get('/api/notifications', { token: daughter.token })).body.items as any[]).filter(
    (n) => n.refType === 'sos',
  );
const DAILY = [1, 2, 3, 4, 5, 6, 7];

test('suggestions: elders living alone or with a high care level, until they are on a plan', async () => {
  const alone = await t.api.patch(`/api/elders/${li.id}`, { livesAlone: true }, { token: worker.token });
  expect(alone.status).toBe(200);
  expect(alone.body.livesAlone).toBe(true);
  await f.assess(worker.token, sun.id, 30); // 重度失能
  let list = await t.api.get('/api/care-plans', { token: worker.token });
  expect(list.status).toBe(200);
  const suggested = Object.fromEntries(list.body.suggestions.map((s: any) => [s.elderName, s.reasons]));
  expect(suggested['李秀兰']).toEqual(['独居']);
  expect(suggested['孙桂英']?.join()).toMatch(/失能/);
  expect(suggested['赵德明']).toBeUndefined();

  // Li daily, Zhao on Wednesdays and Fridays, Sun on Mondays only, Qian daily.
  const created = await plan(worker.token, { elderId: li.id, weekdays: DAILY, notes: '女儿在外地' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ id: li.id, elderId: li.id, weekdays: DAILY, status: 'active' });
  expect((await plan(worker.token, { elderId: zhao.id, weekdays: [5, 3] })).status).toBe(201);
  expect((await plan(worker.token, { elderId: sun.id, weekdays: [1] })).status).toBe(201);
  expect((await plan(worker.token, { elderId: qian.id, weekdays: DAILY })).status).toBe(201);
  // A second POST changes the plan (one plan per elder).
  const changed = await plan(worker.token, { elderId: zhao.id, weekdays: [3, 5, 5 - 0] });
  expect(changed.status).toBe(400); // repeated weekday
  const again = await plan(worker.token, { elderId: zhao.id, weekdays: [3] });
  expect(again.status).toBe(200);
  expect(again.body.weekdays).toEqual([3]);

  list = await t.api.get('/api/care-plans', { token: worker.token });
  expect(list.body.items.map((p: any) => p.elderName).sort()).toEqual(
    ['李秀兰', '赵德明', '孙桂英', '钱玉珍'].sort(),
  );
  expect(list.body.suggestions).toEqual([]);
  const audit = await t.api.get(`/api/audit?targetType=care_plan&targetId=${zhao.id}`, {
    token: await f.adminToken(),
  });
  expect(audit.body.items.map((e: any) => e.action).sort()).toEqual(['care_plan.create', 'care_plan.update']);
});

test("today's list: who is due, with the whole phone for the worker only", async () => {
  expect(isoWeekday('2026-12-02')).toBe(3);
  const items = await callsOn();
  const byName = Object.fromEntries(items.map((i) => [i.elderName, i]));
  expect(Object.keys(byName).sort()).toEqual(['李秀兰', '赵德明', '钱玉珍'].sort()); // Sun: Mondays only
  expect(byName['李秀兰']).toMatchObject({
    elderId: li.id,
    planId: li.id,
    status: 'due',
    phone: li.sent.phone, // whole: the worker dials it
  });
  // The elder's record still masks it, for the same worker.
  const record = await t.api.get(`/api/elders/${li.id}`, { token: worker.token });
  expect(record.body.phone).not.toBe(li.sent.phone);

  // Another community's worker sees none of it and cannot record a call.
  const theirs = await callsOn(undefined, outsider.token);
  expect(theirs).toEqual([]);
  expect((await call(outsider.token, { elderId: li.id, outcome: 'well' })).status).toBe(404);
  expect((await t.api.get(`/api/care-plans/${li.id}`, { token: outsider.token })).status).toBe(404);
  expect((await plan(outsider.token, { elderId: li.id, weekdays: [1] })).status).toBe(404);
  const family = await t.api.get('/api/care-calls', { token: daughter.token });
  expect(family.status).toBe(403);
  // An elder not on a plan: the worker is told to add them first.
  const stranger = await f.elder(worker.token, comm.id, { name: '周建国' });
  const notOnPlan = await call(worker.token, { elderId: stranger.id, outcome: 'well' });
  expect(notOnPlan.status).toBe(409);
  expect(notOnPlan.body.error.message).toContain('加入');
  expect((await call(worker.token, { elderId: UNKNOWN_ID, outcome: 'well' })).status).toBe(404);
  expect((await call(worker.token, { elderId: li.id, outcome: 'fine' })).status).toBe(400);
});

test('well, then a first no-answer raise nothing; the second no-answer in a row raises one alarm and one family notice', async () => {
  const well = await call(worker.token, { elderId: li.id, outcome: 'well', notes: '说吃过早饭了' });
  expect(well.status).toBe(201);
  expect(well.body).toMatchObject({ outcome: 'well', escalated: false });
  expect(well.body.alarm).toBeUndefined();
  const items = await callsOn();
  expect(items.find((i) => i.elderId === li.id)).toMatchObject({
    status: 'done',
    outcome: 'well',
    notes: '说吃过早饭了',
  });

  at('2026-12-02T08:00:00Z');
  const first = await call(worker.token, { elderId: li.id, outcome: 'no_answer' });
  expect(first.status).toBe(201);
  expect(first.body.escalated).toBe(false);
  expect(await openAlarmsOf(li.id)).toHaveLength(0);
  expect(await familyNotices()).toHaveLength(0);

  // Next morning the second no-answer in a row escalates.
  at('2026-12-03T01:30:00Z');
  const second = await call(worker.token, { elderId: li.id, outcome: 'no_answer', notes: '打了三次' });
  expect(second.status).toBe(201);
  expect(second.body).toMatchObject({ escalated: true, previousOutcome: 'no_answer' });
  expect(second.body.alarm.created).toBe(true);
  const alarms = await openAlarmsOf(li.id);
  expect(alarms).toHaveLength(1);
  expect(alarms[0]).toMatchObject({ source: 'care_call', reason: '主动关怀：连续两次未接通' });
  const told = await familyNotices();
  expect(told).toHaveLength(1);
  expect(told[0].body).toContain('连续两次未接通');

  // A third no-answer while the alarm is open: still one alarm, nobody told twice.
  const third = await call(worker2.token, { elderId: li.id, outcome: 'no_answer' });
  expect(third.body.escalated).toBe(true);
  expect(third.body.alarm).toMatchObject({ id: alarms[0].id, created: false });
  expect(await openAlarmsOf(li.id)).toHaveLength(1);
  expect(await familyNotices()).toHaveLength(1);
});

test('unwell raises one alarm at once', async () => {
  const res = await call(worker.token, { elderId: qian.id, outcome: 'unwell', notes: '说头晕' });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ escalated: true, alarm: { created: true } });
  const alarms = await openAlarmsOf(qian.id);
  expect(alarms).toHaveLength(1);
  expect(alarms[0]).toMatchObject({ source: 'care_call', reason: '主动关怀：电话中长者表示身体不适' });
});

test("yesterday's calls not made are missed the next morning; made ones stay done", async () => {
  // It is 3 December (Thursday). On 2 December Zhao was due and never called.
  const yesterday = await callsOn('2026-12-02');
  const byName = Object.fromEntries(yesterday.map((i) => [i.elderName, i]));
  expect(byName['赵德明'].status).toBe('missed');
  expect(byName['钱玉珍'].status).toBe('missed');
  expect(byName['李秀兰']).toMatchObject({ status: 'done', outcome: 'no_answer' }); // the day's last call
  // Today: Zhao is not due on Thursdays; Li was called, Qian too.
  const today = await callsOn();
  expect(today.map((i) => i.elderName).sort()).toEqual(['李秀兰', '钱玉珍'].sort());
  expect(today.every((i) => i.status === 'done')).toBe(true);
  // A plan started today is never "missed" for the days before it.
  const before = await callsOn('2026-12-01');
  expect(before).toEqual([]);
});

test('two workers recording a second no-answer at once raise exactly one alarm', async () => {
  const e = await f.elder(worker.token, comm.id, { name: '吴大爷' });
  const login = await f.elderAccount(worker.token, e.id);
  const son = await f.family('吴先生');
  await f.link(login.token, e.id, son);
  await plan(worker.token, { elderId: e.id, weekdays: DAILY });
  expect((await call(worker.token, { elderId: e.id, outcome: 'no_answer' })).body.escalated).toBe(false);
  const results = await Promise.all(
    Array.from({ length: 6 }, (_, i) =>
      call(i % 2 ? worker.token : worker2.token, { elderId: e.id, outcome: 'no_answer' }),
    ),
  );
  expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
  // Every call got its own place in the sequence.
  expect(new Set(results.map((r) => r.body.id)).size).toBe(6);
  expect(results.filter((r) => r.body.alarm?.created)).toHaveLength(1);
  expect(await openAlarmsOf(e.id)).toHaveLength(1);
  const sonNotices = (await t.api.get('/api/notifications', { token: son.token })).body.items.filter(
    (n: any) => n.refType === 'sos',
  );
  expect(sonNotices).toHaveLength(1);
});

test('figures: calls due, made, reached, escalated, missed over a period', async () => {
  const res = await t.api.get('/api/care-calls/summary?from=2026-12-02&to=2026-12-03', {
    token: worker.token,
  });
  expect(res.status).toBe(200);
  const d2 = res.body.days.find((d: any) => d.date === '2026-12-02');
  // 2 Dec: Li, Zhao, Qian due; Li called twice (well, no answer); Zhao and Qian missed.
  expect(d2).toMatchObject({ due: 3, made: 2, reached: 1, noAnswer: 1, escalated: 0, missed: 2 });
  expect(res.body.escalated).toBeGreaterThanOrEqual(3); // Li's second and third, Qian's unwell, Wu's
  expect(res.body.made).toBe(res.body.days.reduce((n: number, d: any) => n + d.made, 0));
  const bad = await t.api.get('/api/care-calls/summary?from=2026-12-03&to=2026-12-02', {
    token: worker.token,
  });
  expect(bad.status).toBe(400);
  expect(bad.body.error.fields.to).toContain('不能早于');
  const tooLong = await t.api.get('/api/care-calls/summary?from=2026-01-01&to=2026-12-02', {
    token: worker.token,
  });
  expect(tooLong.status).toBe(400);
  expect(tooLong.body.error.fields.to).toBeTruthy();
});

test('ending a plan: no longer due from today; ending twice is 409', async () => {
  const ended = await t.api.call('DELETE', `/api/care-plans/${qian.id}`, undefined, { token: worker.token });
  expect(ended.status).toBe(200);
  expect(ended.body.status).toBe('ended');
  expect(
    (await t.api.call('DELETE', `/api/care-plans/${qian.id}`, undefined, { token: worker.token })).status,
  ).toBe(409);
  at('2026-12-04T01:00:00Z');
  expect((await callsOn()).map((i) => i.elderName)).not.toContain('钱玉珍');
  // Its past days stay as they were.
  expect((await callsOn('2026-12-02')).map((i) => i.elderName)).toContain('钱玉珍');
  // Added again: due again, from today.
  expect((await plan(worker.token, { elderId: qian.id, weekdays: DAILY })).status).toBe(201);
  expect((await callsOn()).map((i) => i.elderName)).toContain('钱玉珍');
});

test('a crash between the call and its alarm: the recovery sweep raises it once, the family is told', async () => {
  const e = await f.elder(worker.token, comm.id, { name: '郑奶奶' });
  const login = await f.elderAccount(worker.token, e.id);
  const niece = await f.family('郑女士');
  await f.link(login.token, e.id, niece);
  await plan(worker.token, { elderId: e.id, weekdays: DAILY });
  // What a process that died after inserting the escalated call (before raising) leaves behind.
  const calledAt = new Date(now.getTime() - 3600_000);
  await CareCall.create({
    _id: careCallId(e.id, 1),
    elderId: e.id,
    elderName: '郑奶奶',
    communityId: comm.id,
    date: '2026-12-04',
    communityDay: communityDay(comm.id, '2026-12-04'),
    seq: 1,
    outcome: 'unwell',
    by: { userId: worker.id, role: 'worker', name: '王助老员' },
    calledAt,
    escalated: true,
    alarm: 'pending',
  });
  await recoverCareAlarms(now); // (the server's own periodic sweep may also have got there)
  expect(await recoverCareAlarms(now)).toBe(0); // done: nothing pending any more
  expect((await CareCall.findById(careCallId(e.id, 1)).lean())?.alarm).toBe('raised');
  const alarms = await openAlarmsOf(e.id);
  expect(alarms).toHaveLength(1);
  expect(alarms[0]).toMatchObject({ source: 'care_call', reason: '主动关怀：电话中长者表示身体不适' });
  const told = ((await t.api.get('/api/notifications', { token: niece.token })).body.items as any[]).filter(
    (n) => n.refType === 'sos',
  );
  expect(told).toHaveLength(1);
});
