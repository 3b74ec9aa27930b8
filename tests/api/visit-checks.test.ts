/**
 * Visits checked before they are billed: check-in only in the window around the scheduled
 * time; a far check-in or a too-short visit waits for a worker's review and is not served in
 * the figures until approved (rejected: never); a provider declines a dispatched visit back to
 * the desk with the reason; the elder's side cancels before check-in and the provider is told;
 * suggestions put the providers who do that work in that community first.
 */
import { startTestServer, type TestServer } from '../harness/server';
import { BASE, type TestUser } from './fixtures';
import { ServiceFixtures } from './service-fixtures';

let now = new Date('2026-12-01T01:00:00Z');
let t: TestServer;
let f: ServiceFixtures;
let worker: TestUser;
let otherWorker: TestUser;
let bather: TestUser; // does baths in this community
let rehab: TestUser; // 康复护理员: not for baths
let elsewhere: TestUser; // does baths, another community
let elderLogin: TestUser;
let elder: { id: string };
let bath: any;

const at = (iso: string) => (now = new Date(iso));
const post = (path: string, body: unknown, token: string) => t.api.post(path, body, { token });

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  f = new ServiceFixtures(t);
  const comm = await f.community({ name: '关上社区' });
  const other = await f.community({ name: '太和社区' });
  worker = await f.user('worker', { communityId: comm.id, name: '王助老员' });
  otherWorker = await f.user('worker', { communityId: other.id });
  rehab = await f.user('provider', {
    name: '孙丽',
    serviceCategories: ['rehab', 'nursing'],
    communityIds: [comm.id],
  });
  bather = await f.user('provider', {
    name: '周强',
    serviceCategories: ['clean', 'bath'],
    communityIds: [comm.id, other.id],
  });
  elsewhere = await f.user('provider', {
    name: '陈师傅',
    serviceCategories: ['bath'],
    communityIds: [other.id],
  });
  elder = await f.elder(worker.token, comm.id, {
    name: '李秀兰',
    birthDate: '1940-05-01',
    groups: [],
    location: BASE,
  });
  elderLogin = await f.elderAccount(worker.token, elder.id);
  bath = await f.item(); // 60 minutes
});
afterAll(() => t?.close());

/** A bath at `scheduledAt`, booked by the elder, dispatched to and accepted by `provider`. */
async function acceptedVisit(scheduledAt: string, provider = bather): Promise<string> {
  at('2026-12-01T01:00:00Z');
  const v = await f.visit(elderLogin.token, elder.id, bath.id, scheduledAt);
  expect(
    (await post(`/api/service-orders/${v.id}/dispatch`, { providerUserId: provider.id }, worker.token))
      .status,
  ).toBe(200);
  expect((await post(`/api/service-orders/${v.id}/accept`, {}, provider.token)).status).toBe(200);
  return v.id;
}

const served = async (day: string) =>
  (await t.api.get(`/api/reports/summary?from=${day}&to=${day}`, { token: worker.token })).body;

test('check-in 3 hours early or 5 hours late → 409 with words; 1 hour early → in service', async () => {
  const id = await acceptedVisit('2026-12-02T02:00:00Z'); // 10:00 China time
  at('2026-12-01T17:06:00Z'); // 01:06 the same night, the report's case
  const night = await post(`/api/service-orders/${id}/check-in`, {}, bather.token);
  expect(night.status).toBe(409);
  expect(night.body.error.code).toBe('CHECK_IN_TOO_EARLY');
  expect(night.body.error.message).toContain('最早 12月2日 08:00');
  at('2026-12-01T23:00:00Z'); // 3 h early
  expect((await post(`/api/service-orders/${id}/check-in`, {}, bather.token)).status).toBe(409);
  const still = await t.api.get(`/api/service-orders/${id}`, { token: bather.token });
  expect(still.body.status).toBe('accepted');

  const late = await acceptedVisit('2026-12-02T02:00:00Z');
  at('2026-12-02T07:00:00Z'); // 5 h late
  const tooLate = await post(`/api/service-orders/${late}/check-in`, {}, bather.token);
  expect(tooLate.status).toBe(409);
  expect(tooLate.body.error.code).toBe('CHECK_IN_TOO_LATE');

  at('2026-12-02T01:00:00Z'); // 1 h early
  const ok = await post(`/api/service-orders/${id}/check-in`, {}, bather.token);
  expect(ok.status).toBe(200);
  expect(ok.body.status).toBe('in_service');
});

test('a short visit waits for review, is not served until approved, then counts', async () => {
  const day = '2026-12-03';
  const id = await acceptedVisit(`${day}T02:00:00Z`);
  at(`${day}T02:00:00Z`);
  await post(`/api/service-orders/${id}/check-in`, { location: BASE }, bather.token);
  at(`${day}T02:05:00Z`); // 5 minutes of a 60-minute bath
  const co = await post(`/api/service-orders/${id}/check-out`, { notes: '老人不在家' }, bather.token);
  expect(co.status).toBe(200);
  expect(co.body).toMatchObject({ status: 'completed', durationMin: 5, billable: false });
  expect(co.body.review).toMatchObject({ state: 'pending', stateName: '待审核' });
  expect(co.body.review.reasons[0]).toContain('服务用时 5 分钟');

  // Not served in the figures while pending.
  const before = await served('2026-12-01');
  expect(before.serviceOrdersByStatus.completed ?? 0).toBe(0);
  expect(before.serviceOrdersByStatus.review_pending).toBe(1);
  expect((await served(day)).serviceMinutes).toBe(0);

  // On the desk's queue of its own community only.
  const queue = await t.api.get('/api/service-reviews', { token: worker.token });
  expect(queue.body.items.map((v: any) => v.id)).toEqual([id]);
  expect((await t.api.get('/api/service-reviews', { token: otherWorker.token })).body.items).toEqual([]);
  expect((await post(`/api/service-orders/${id}/review`, { approve: true }, otherWorker.token)).status).toBe(
    404,
  );
  expect((await post(`/api/service-orders/${id}/review`, { approve: true }, bather.token)).status).toBe(403);

  const ok = await post(
    `/api/service-orders/${id}/review`,
    { approve: true, notes: '电话核实：老人临时外出，已补做' },
    worker.token,
  );
  expect(ok.status).toBe(200);
  expect(ok.body).toMatchObject({ billable: true, review: { state: 'approved', by: { name: '王助老员' } } });
  expect(ok.body.timeline.at(-1).note).toBe('审核通过：电话核实：老人临时外出，已补做');
  expect(
    (await post(`/api/service-orders/${id}/review`, { approve: false, notes: 'x' }, worker.token)).status,
  ).toBe(409);
  expect((await t.api.get('/api/service-reviews', { token: worker.token })).body.items).toEqual([]);
  const after = await served('2026-12-01');
  expect(after.serviceOrdersByStatus.completed).toBe(1);
  expect(after.serviceOrdersByStatus.review_pending).toBeUndefined();
  expect((await served(day)).serviceMinutes).toBe(5);
});

test('a far check-in goes to review; rejected, it is never served nor billed', async () => {
  const day = '2026-12-04';
  const id = await acceptedVisit(`${day}T02:00:00Z`);
  at(`${day}T02:00:00Z`);
  const far = { lng: BASE.lng + 0.005, lat: BASE.lat }; // ~500 m
  await post(`/api/service-orders/${id}/check-in`, { location: far }, bather.token);
  at(`${day}T03:00:00Z`);
  const co = await post(`/api/service-orders/${id}/check-out`, {}, bather.token);
  expect(co.body.review.state).toBe('pending');
  expect(co.body.review.reasons[0]).toMatch(/签到位置距长者住址 \d+ 米/);
  // A rejection needs words.
  expect((await post(`/api/service-orders/${id}/review`, { approve: false }, worker.token)).status).toBe(400);
  const no = await post(
    `/api/service-orders/${id}/review`,
    { approve: false, notes: '长者说没有人来过' },
    worker.token,
  );
  expect(no.body).toMatchObject({ billable: false, review: { state: 'rejected' } });
  const fig = await served('2026-12-01');
  expect(fig.serviceOrdersByStatus.review_rejected).toBe(1);
  expect((await served(day)).serviceMinutes).toBe(0);
  // A normal visit, for contrast, counts at once.
  const normal = await acceptedVisit(`${day}T06:00:00Z`);
  at(`${day}T06:00:00Z`);
  await post(`/api/service-orders/${normal}/check-in`, { location: BASE }, bather.token);
  at(`${day}T06:50:00Z`);
  const done = await post(`/api/service-orders/${normal}/check-out`, {}, bather.token);
  expect(done.body.review).toBeUndefined();
  expect(done.body.billable).toBe(true);
  expect((await served(day)).serviceMinutes).toBe(50);
});

test('the dispatched provider declines with a reason: requested again, the desk sees why; nobody else may', async () => {
  at('2026-12-01T01:00:00Z');
  const v = await f.visit(elderLogin.token, elder.id, bath.id, '2026-12-05T02:00:00Z');
  await post(`/api/service-orders/${v.id}/dispatch`, { providerUserId: bather.id }, worker.token);
  expect(
    (await post(`/api/service-orders/${v.id}/decline`, { reason: '我不在' }, elsewhere.token)).status,
  ).toBe(404);
  expect((await post(`/api/service-orders/${v.id}/decline`, { reason: '不行' }, worker.token)).status).toBe(
    403,
  );
  expect((await post(`/api/service-orders/${v.id}/decline`, { reason: ' ' }, bather.token)).status).toBe(400);
  const d = await post(`/api/service-orders/${v.id}/decline`, { reason: '当天腰伤，不能助浴' }, bather.token);
  expect(d.status).toBe(200);
  expect(d.body.status).toBe('requested');
  expect(d.body.provider).toBeUndefined();
  const seen = await t.api.get(`/api/service-orders?status=requested`, { token: worker.token });
  const mine = seen.body.items.find((x: any) => x.id === v.id);
  expect(mine.timeline.at(-1)).toMatchObject({
    action: 'decline',
    note: '当天腰伤，不能助浴',
    by: { name: '周强' },
  });
  const notes = await t.api.get('/api/notifications', { token: worker.token });
  expect(notes.body.items.some((n: any) => n.kind === 'visit_declined' && n.body.includes('当天腰伤'))).toBe(
    true,
  );
  // The provider no longer sees it; it can be dispatched again.
  expect((await t.api.get(`/api/service-orders/${v.id}`, { token: bather.token })).status).toBe(404);
  expect(
    (await post(`/api/service-orders/${v.id}/dispatch`, { providerUserId: rehab.id }, worker.token)).body
      .status,
  ).toBe('dispatched');
});

test('cancel before check-in → cancelled and the provider is told; after check-in → 409', async () => {
  const id = await acceptedVisit('2026-12-06T02:00:00Z');
  const c = await post(`/api/service-orders/${id}/cancel`, {}, elderLogin.token);
  expect(c.status).toBe(200);
  expect(c.body.status).toBe('cancelled');
  const told = await t.api.get('/api/notifications', { token: bather.token });
  expect(told.body.items.some((n: any) => n.kind === 'visit_cancelled' && n.refId === id)).toBe(true);

  const started = await acceptedVisit('2026-12-06T06:00:00Z');
  at('2026-12-06T06:00:00Z');
  await post(`/api/service-orders/${started}/check-in`, {}, bather.token);
  const late = await post(`/api/service-orders/${started}/cancel`, {}, elderLogin.token);
  expect(late.status).toBe(409);
});

test('suggestions: providers who do the item in the community first (flagged), fewest visits first; the rest after', async () => {
  at('2026-12-01T01:00:00Z');
  const s = await t.api.get(`/api/providers/suggestions?date=2026-12-07&itemId=${bath.id}`, {
    token: worker.token,
  });
  expect(s.status).toBe(200);
  expect(s.body.items.map((p: any) => [p.name, p.fits])).toEqual([
    ['周强', true],
    ['陈师傅', false], // does baths, but not in this community
    ['孙丽', false], // 康复护理员
  ]);
  const byCategory = await t.api.get('/api/providers/suggestions?date=2026-12-07&category=rehab', {
    token: worker.token,
  });
  expect(byCategory.body.items[0]).toMatchObject({ name: '孙丽', fits: true });
  // Without a filter: everyone, fewest open visits first, as before.
  const all = await t.api.get('/api/providers/suggestions?date=2026-12-07', { token: worker.token });
  expect(all.body.items.every((p: any) => p.fits)).toBe(true);
  expect(all.body.items).toHaveLength(3);
});

test('the provider sees the elder phone whole on a visit dispatched to them', async () => {
  const id = await acceptedVisit('2026-12-08T02:00:00Z');
  const v = await t.api.get(`/api/service-orders/${id}`, { token: bather.token });
  expect(v.body.elderPhone).toMatch(/^1\d{10}$/);
  const w = await t.api.get(`/api/service-orders/${id}`, { token: worker.token });
  expect(w.body.elderPhone).toBeUndefined();
});
