/**
 * Provider quality and sampled 回访: every rating of 3 or less, and a share of completed
 * visits chosen at random (set by the district office), become follow-up tasks on the worker
 * desk, closed by recording the follow-up; the figures count them. GET /api/reports/providers
 * gives each provider's visits, completed, on-time check-ins, ratings, low ratings, satisfied
 * follow-ups and far check-ins — equal to the counts this test keeps itself.
 */
import { startTestServer, type TestServer } from '../harness/server';
import { BASE, type TestUser } from './fixtures';
import { ServiceFixtures } from './service-fixtures';

let now = new Date('2026-12-01T01:00:00Z');
const at = (d: Date | string) => (now = new Date(d));
let t: TestServer;
let f: ServiceFixtures;
let admin: string;
let comm: { id: string };
let worker: TestUser;
let otherWorker: TestUser;
let zhou: TestUser;
let sun: TestUser;
let elderLogin: TestUser;
let elder: { id: string };
let bath: any;

const post = (path: string, body: unknown, token: string) => t.api.post(path, body, { token });
const MIN = 60_000;

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  f = new ServiceFixtures(t);
  admin = await f.adminToken();
  comm = await f.community({ name: '关上社区' });
  const other = await f.community({ name: '太和社区' });
  worker = await f.user('worker', { communityId: comm.id, name: '王助老员' });
  otherWorker = await f.user('worker', { communityId: other.id });
  zhou = await f.user('provider', { name: '周强', serviceCategories: ['bath'], communityIds: [comm.id] });
  sun = await f.user('provider', { name: '孙丽', serviceCategories: ['bath'], communityIds: [comm.id] });
  elder = await f.elder(worker.token, comm.id, { name: '李秀兰', location: BASE });
  elderLogin = await f.elderAccount(worker.token, elder.id);
  bath = await f.item(); // 60 minutes
});
afterAll(() => t?.close());

const setShare = async (sampleShare: number) =>
  expect((await t.api.put('/api/follow-ups/settings', { sampleShare }, { token: admin })).status).toBe(200);
const openTasks = async (token = worker.token) =>
  (await t.api.get('/api/follow-ups?status=open', { token })).body.items as any[];

interface Plan {
  provider: TestUser;
  scheduledAt: string;
  /** minutes after the scheduled time the provider checks in (negative: early); none: never */
  checkIn?: number;
  far?: boolean;
  /** the worker's review of a far check-in */
  approve?: boolean;
  score?: number;
  satisfied?: boolean;
  cancel?: boolean;
}

/** Books, dispatches and carries one visit as far as the plan says; returns its id. */
async function carry(p: Plan): Promise<string> {
  at(new Date(new Date(p.scheduledAt).getTime() - 24 * 60 * MIN));
  const v = await f.visit(elderLogin.token, elder.id, bath.id, p.scheduledAt);
  expect(
    (await post(`/api/service-orders/${v.id}/dispatch`, { providerUserId: p.provider.id }, worker.token))
      .status,
  ).toBe(200);
  if (p.cancel) {
    expect((await post(`/api/service-orders/${v.id}/cancel`, {}, elderLogin.token)).status).toBe(200);
    return v.id;
  }
  expect((await post(`/api/service-orders/${v.id}/accept`, {}, p.provider.token)).status).toBe(200);
  if (p.checkIn === undefined) return v.id;
  const checkInAt = new Date(p.scheduledAt).getTime() + p.checkIn * MIN;
  at(new Date(checkInAt));
  const location = p.far ? { lng: BASE.lng + 0.005, lat: BASE.lat } : BASE;
  expect((await post(`/api/service-orders/${v.id}/check-in`, { location }, p.provider.token)).status).toBe(
    200,
  );
  at(new Date(checkInAt + 60 * MIN));
  expect((await post(`/api/service-orders/${v.id}/check-out`, {}, p.provider.token)).status).toBe(200);
  if (p.far && p.approve !== undefined) {
    const body = p.approve ? { approve: true } : { approve: false, notes: '不在长者家中签到' };
    expect((await post(`/api/service-orders/${v.id}/review`, body, worker.token)).status).toBe(200);
  }
  if (p.score !== undefined)
    expect(
      (await post(`/api/service-orders/${v.id}/rating`, { score: p.score }, elderLogin.token)).status,
    ).toBe(200);
  if (p.satisfied !== undefined)
    expect(
      (await post(`/api/service-orders/${v.id}/follow-up`, { satisfied: p.satisfied }, worker.token)).status,
    ).toBe(200);
  return v.id;
}

test('every rating of 3 or less creates exactly one follow-up task; recording the follow-up closes it', async () => {
  await setShare(0); // no random ones: only the ratings decide here
  const ids: Record<number, string> = {};
  for (const [i, score] of [1, 2, 3, 4, 5].entries())
    ids[score] = await carry({
      provider: zhou,
      scheduledAt: `2026-12-0${2 + i}T02:00:00Z`,
      checkIn: 0,
      score,
    });
  const tasks = await openTasks();
  expect(tasks.map((x) => x.serviceOrderId).sort()).toEqual([ids[1], ids[2], ids[3]].sort());
  for (const task of tasks) {
    expect(task.reasons).toEqual(['low_rating']);
    expect(task).toMatchObject({ elderName: '李秀兰', itemName: '上门助浴', providerName: '周强' });
    expect(task.visit.id).toBe(task.serviceOrderId); // what the worker needs to call about
  }
  expect(tasks.find((x) => x.serviceOrderId === ids[2]).ratingScore).toBe(2);
  // Another community's worker does not see them; a provider may not list them.
  expect(await openTasks(otherWorker.token)).toEqual([]);
  expect((await t.api.get('/api/follow-ups', { token: zhou.token })).status).toBe(403);

  at('2026-12-10T03:00:00Z');
  await post(`/api/service-orders/${ids[1]}/follow-up`, { satisfied: false, notes: '水太凉' }, worker.token);
  await post(`/api/service-orders/${ids[3]}/follow-up`, { satisfied: true }, worker.token);
  expect((await openTasks()).map((x) => x.serviceOrderId)).toEqual([ids[2]]);
  // A follow-up on a visit without a task is still allowed, and counts as a follow-up, not a task.
  await post(`/api/service-orders/${ids[5]}/follow-up`, { satisfied: true }, worker.token);

  const figures = (
    await t.api.get('/api/reports/summary?from=2026-12-01&to=2026-12-31', { token: worker.token })
  ).body;
  expect(figures).toMatchObject({ followUpTasks: 3, followUpTasksDone: 2, followUpTasksSatisfied: 1 });
});

test('the sampling share: 100 % makes every completed visit a task (one, with both reasons if also rated low); 0 % none', async () => {
  await setShare(1);
  const sampled = await carry({ provider: sun, scheduledAt: '2026-12-12T02:00:00Z', checkIn: 0 });
  const sampledLow = await carry({
    provider: sun,
    scheduledAt: '2026-12-13T02:00:00Z',
    checkIn: 0,
    score: 3,
  });
  // A far check-in counts once approved: sampled then.
  const far = await carry({ provider: sun, scheduledAt: '2026-12-14T02:00:00Z', checkIn: 0, far: true });
  expect((await openTasks()).some((x) => x.serviceOrderId === far)).toBe(false);
  at('2026-12-14T05:00:00Z');
  await post(`/api/service-orders/${far}/review`, { approve: true }, worker.token);
  const tasks = await openTasks();
  const of = (id: string) => tasks.filter((x) => x.serviceOrderId === id);
  expect(of(sampled).map((x) => x.reasons)).toEqual([['sampled']]);
  expect(of(sampledLow).map((x) => x.reasons.sort())).toEqual([['low_rating', 'sampled']]);
  expect(of(far)).toHaveLength(1);

  await setShare(0);
  const none = await carry({ provider: sun, scheduledAt: '2026-12-15T02:00:00Z', checkIn: 0, score: 5 });
  expect((await openTasks()).some((x) => x.serviceOrderId === none)).toBe(false);
});

test('the share is the admin’s to set, 0–1, and the change is on the audit log', async () => {
  expect((await t.api.put('/api/follow-ups/settings', { sampleShare: 1.5 }, { token: admin })).status).toBe(
    400,
  );
  expect((await t.api.put('/api/follow-ups/settings', { sampleShare: '10%' }, { token: admin })).status).toBe(
    400,
  );
  expect(
    (await t.api.put('/api/follow-ups/settings', { sampleShare: 0.2 }, { token: worker.token })).status,
  ).toBe(403);
  await setShare(0.25);
  expect((await t.api.get('/api/follow-ups/settings', { token: worker.token })).body).toEqual({
    sampleShare: 0.25,
  });
  const audit = await t.api.get('/api/audit?targetType=setting&targetId=follow_up_sampling&to=2026-12-31', {
    token: admin,
  });
  expect(audit.body.items[0]).toMatchObject({
    action: 'setting.follow_up_share',
    changes: [{ field: 'sampleShare', before: 0, after: 0.25 }], // the newest: test 2 left it at 0
  });
  await setShare(0);
});

test('provider figures equal the counts kept here', async () => {
  const plans: Plan[] = [
    { provider: zhou, scheduledAt: '2027-01-04T02:00:00Z', checkIn: 10, score: 5, satisfied: true },
    { provider: zhou, scheduledAt: '2027-01-05T02:00:00Z', checkIn: -14, score: 4 },
    { provider: zhou, scheduledAt: '2027-01-06T02:00:00Z', checkIn: 30, score: 2, satisfied: false },
    { provider: zhou, scheduledAt: '2027-01-07T02:00:00Z', checkIn: 0, far: true, approve: false },
    { provider: zhou, scheduledAt: '2027-01-08T02:00:00Z' }, // accepted, not yet served
    { provider: zhou, scheduledAt: '2027-01-09T02:00:00Z', cancel: true },
    { provider: sun, scheduledAt: '2027-01-04T06:00:00Z', checkIn: -20, score: 1, satisfied: true },
    { provider: sun, scheduledAt: '2027-01-05T06:00:00Z', checkIn: 5, far: true, approve: true, score: 3 },
  ];
  for (const p of plans) await carry(p);

  const expected = [zhou, sun].map((provider) => {
    const mine = plans.filter((p) => p.provider === provider && !p.cancel);
    const checked = mine.filter((p) => p.checkIn !== undefined);
    const rated = mine.filter((p) => p.score !== undefined);
    const followed = mine.filter((p) => p.satisfied !== undefined);
    return {
      providerUserId: provider.id,
      visits: mine.length,
      completed: checked.filter((p) => !(p.far && p.approve === false)).length,
      onTimeRate: checked.filter((p) => Math.abs(p.checkIn!) <= 15).length / checked.length,
      avgRating: Math.round((rated.reduce((s, p) => s + p.score!, 0) / rated.length) * 10) / 10,
      lowRatings: rated.filter((p) => p.score! <= 2).length,
      followUpsSatisfied: followed.filter((p) => p.satisfied).length,
      farCheckIns: checked.filter((p) => p.far).length,
    };
  });
  const report = await t.api.get('/api/reports/providers?from=2027-01-01&to=2027-01-31', { token: admin });
  expect(report.status).toBe(200);
  expect(report.body.items).toHaveLength(2);
  for (const e of expected)
    expect(report.body.items.find((x: any) => x.providerUserId === e.providerUserId)).toMatchObject(e);
  // Ranked: the better average rating first (周强 4.0 > 孙丽 2.0), with names.
  expect(report.body.items.map((x: any) => x.name)).toEqual(['周强', '孙丽']);

  // A worker sees their own community only; another community's worker sees nobody here.
  const mine = await t.api.get('/api/reports/providers?from=2027-01-01&to=2027-01-31', {
    token: worker.token,
  });
  expect(mine.body.items).toHaveLength(2);
  const theirs = await t.api.get('/api/reports/providers?from=2027-01-01&to=2027-01-31', {
    token: otherWorker.token,
  });
  expect(theirs.body.items).toEqual([]);
  expect(
    (
      await t.api.get(`/api/reports/providers?from=2027-01-01&to=2027-01-31&communityId=${comm.id}`, {
        token: otherWorker.token,
      })
    ).status,
  ).toBe(403);
  // Bad ranges are 400.
  expect(
    (await t.api.get('/api/reports/providers?from=2027-02-01&to=2027-01-01', { token: admin })).status,
  ).toBe(400);
  expect(
    (await t.api.get('/api/reports/providers?from=2025-01-01&to=2027-01-01', { token: admin })).status,
  ).toBe(400);
});
