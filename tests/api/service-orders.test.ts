/**
 * The home-service closed loop over real HTTP: book → dispatch → accept → check in → check
 * out → rate → follow up, with each illegal step refused (409/403/404), concurrent
 * dispatches resolved to one winner, and the timeline recording who did what and when.
 */
import { startTestServer, type TestServer } from '../harness/server';
import { BASE, type TestUser, UNKNOWN_ID } from './fixtures';
import { ServiceFixtures } from './service-fixtures';

let now = new Date('2026-12-01T01:00:00Z'); // 09:00 China time
let t: TestServer;
let f: ServiceFixtures;
let worker: TestUser;
let otherWorker: TestUser;
let providerA: TestUser;
let providerB: TestUser;
let daughter: TestUser;
let elderLogin: TestUser;
let elder: { id: string };
let bath: any;
let cleaning: any;

const at = (iso: string) => (now = new Date(iso));

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  f = new ServiceFixtures(t);
  const comm = await f.community({ name: '关上社区' });
  const other = await f.community({ name: '太和社区' });
  worker = await f.user('worker', { communityId: comm.id, name: '王助老员' });
  otherWorker = await f.user('worker', { communityId: other.id });
  providerA = await f.user('provider', { name: '刘护理员', providerId: 'org-a' });
  providerB = await f.user('provider', { name: '陈师傅', providerId: 'org-b' });
  elder = await f.elder(worker.token, comm.id, {
    name: '李秀兰',
    birthDate: '1940-05-01',
    gender: 'female',
    groups: ['dibao'],
    location: BASE,
  });
  elderLogin = await f.elderAccount(worker.token, elder.id);
  daughter = await f.family('李女士');
  await f.link(elderLogin.token, elder.id, daughter);
  bath = await f.item();
  cleaning = await f.item({
    category: 'clean',
    name: '居家保洁',
    price: 3000,
    unit: 'hour',
    durationMin: 120,
  });
  const rule = await t.api.post(
    '/api/discount-rules',
    {
      name: '80岁以上助浴补贴',
      minAge: 80,
      appliesTo: 'service',
      serviceCategories: ['bath'],
      benefit: { type: 'percent_off', value: 50 },
      fundedBy: 'government',
      validFrom: '2026-01-01',
    },
    { token: await f.adminToken() },
  );
  expect(rule.status).toBe(201);
});
afterAll(() => t?.close());

test('the catalogue lists items; only admin adds them; bad input is a 400 naming the field', async () => {
  const list = await t.api.get('/api/service-items', { token: elderLogin.token });
  expect(list.body.items.map((i: any) => i.name)).toEqual(['上门助浴', '居家保洁']);
  expect((await t.api.post('/api/service-items', { category: 'bath' }, { token: worker.token })).status).toBe(
    403,
  );
  const bad = await t.api.post(
    '/api/service-items',
    { category: 'spa', name: 'x', price: -1, unit: 'visit', durationMin: 60 },
    { token: await f.adminToken() },
  );
  expect(bad.status).toBe(400);
  expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(['category', 'price']));
});

test('a visit is priced by the shared engine: the 80+ bath subsidy applies, cleaning by the hour does not', async () => {
  const q = await t.api.post(
    '/api/service-orders/quote',
    { elderId: elder.id, itemId: bath.id, scheduledAt: '2026-12-02T02:00:00Z' },
    { token: daughter.token },
  );
  expect(q.status).toBe(200);
  expect(q.body.pricing).toEqual({
    subtotal: 6000,
    discounts: [expect.objectContaining({ name: '80岁以上助浴补贴', amount: 3000, fundedBy: 'government' })],
    deliveryFee: 0,
    payable: 3000,
  });
  const c = await t.api.post(
    '/api/service-orders/quote',
    { elderId: elder.id, itemId: cleaning.id, scheduledAt: '2026-12-02T02:00:00Z', hours: 3 },
    { token: daughter.token },
  );
  expect(c.body.pricing).toEqual({ subtotal: 9000, discounts: [], deliveryFee: 0, payable: 9000 });
});

test('the whole loop, with the timeline naming who and when', async () => {
  at('2026-12-01T01:00:00Z');
  const v = await f.visit(daughter.token, elder.id, bath.id, '2026-12-02T02:00:00Z', {
    notes: '怕冷，水温高一点',
  });
  expect(v).toMatchObject({ status: 'requested', day: '2026-12-02', pricing: { payable: 3000 } });
  const id = v.id;

  // Nobody may rate, check out or accept yet.
  expect(
    (await t.api.post(`/api/service-orders/${id}/rating`, { score: 5 }, { token: elderLogin.token })).status,
  ).toBe(409);
  expect(
    (await t.api.post(`/api/service-orders/${id}/check-out`, {}, { token: providerA.token })).status,
  ).toBe(404);
  // Another community's worker cannot see or dispatch it.
  expect(
    (
      await t.api.post(
        `/api/service-orders/${id}/dispatch`,
        { providerUserId: providerA.id },
        { token: otherWorker.token },
      )
    ).status,
  ).toBe(404);
  // The elder cannot dispatch.
  expect(
    (
      await t.api.post(
        `/api/service-orders/${id}/dispatch`,
        { providerUserId: providerA.id },
        { token: elderLogin.token },
      )
    ).status,
  ).toBe(403);

  at('2026-12-01T01:05:00Z');
  const d = await t.api.post(
    `/api/service-orders/${id}/dispatch`,
    { providerUserId: providerA.id },
    { token: worker.token },
  );
  expect(d.status).toBe(200);
  expect(d.body).toMatchObject({
    status: 'dispatched',
    provider: { userId: providerA.id, name: '刘护理员' },
  });

  // Provider B does not see it and cannot accept it.
  expect((await t.api.post(`/api/service-orders/${id}/accept`, {}, { token: providerB.token })).status).toBe(
    404,
  );
  expect((await t.api.get('/api/service-orders', { token: providerB.token })).body.items).toEqual([]);
  // Check-in before accepting is out of order.
  expect(
    (await t.api.post(`/api/service-orders/${id}/check-in`, {}, { token: providerA.token })).status,
  ).toBe(409);

  expect(
    (await t.api.post(`/api/service-orders/${id}/accept`, {}, { token: providerA.token })).body.status,
  ).toBe('accepted');
  // Check-out before check-in.
  const early = await t.api.post(`/api/service-orders/${id}/check-out`, {}, { token: providerA.token });
  expect(early.status).toBe(409);
  expect(early.body.error.code).toBe('WRONG_STATE');

  at('2026-12-02T02:00:00Z');
  const far = { lng: BASE.lng + 0.01, lat: BASE.lat }; // ~1 km east
  const ci = await t.api.post(
    `/api/service-orders/${id}/check-in`,
    { location: far },
    { token: providerA.token },
  );
  expect(ci.status).toBe(200);
  expect(ci.body.status).toBe('in_service');
  expect(ci.body.checkIn.farFromHome).toBe(true);
  expect(ci.body.checkIn.distanceM).toBeGreaterThan(900);

  at('2026-12-02T02:47:00Z');
  const co = await t.api.post(
    `/api/service-orders/${id}/check-out`,
    { notes: '已协助洗澡，皮肤无破损' },
    { token: providerA.token },
  );
  expect(co.body).toMatchObject({ status: 'completed', durationMin: 47 });

  // Provider and worker may not rate; the daughter may.
  expect(
    (await t.api.post(`/api/service-orders/${id}/rating`, { score: 5 }, { token: providerA.token })).status,
  ).toBe(403);
  expect(
    (await t.api.post(`/api/service-orders/${id}/rating`, { score: 6 }, { token: daughter.token })).status,
  ).toBe(400);
  const r = await t.api.post(
    `/api/service-orders/${id}/rating`,
    { score: 5, comment: '很细心' },
    { token: daughter.token },
  );
  expect(r.body).toMatchObject({ status: 'rated', rating: { score: 5, comment: '很细心' } });
  expect(
    (await t.api.post(`/api/service-orders/${id}/rating`, { score: 1 }, { token: elderLogin.token })).status,
  ).toBe(409);

  // Follow-up: not by the elder; by the worker.
  expect(
    (
      await t.api.post(
        `/api/service-orders/${id}/follow-up`,
        { satisfied: true },
        { token: elderLogin.token },
      )
    ).status,
  ).toBe(403);
  at('2026-12-03T03:00:00Z');
  const fu = await t.api.post(
    `/api/service-orders/${id}/follow-up`,
    { satisfied: true, notes: '电话回访，老人满意' },
    { token: worker.token },
  );
  expect(fu.body.status).toBe('followed_up');
  expect(
    (await t.api.post(`/api/service-orders/${id}/follow-up`, { satisfied: false }, { token: worker.token }))
      .status,
  ).toBe(409);

  const mine = await t.api.get(`/api/service-orders?elderId=${elder.id}`, { token: elderLogin.token });
  const got = mine.body.items.find((x: any) => x.id === id);
  expect(got.timeline.map((e: any) => [e.status, e.by.name, e.at])).toEqual([
    ['requested', '李女士', '2026-12-01T01:00:00.000Z'],
    ['dispatched', '王助老员', '2026-12-01T01:05:00.000Z'],
    ['accepted', '刘护理员', '2026-12-01T01:05:00.000Z'],
    ['in_service', '刘护理员', '2026-12-02T02:00:00.000Z'],
    ['completed', '刘护理员', '2026-12-02T02:47:00.000Z'],
    ['rated', '李女士', '2026-12-02T02:47:00.000Z'],
    ['followed_up', '王助老员', '2026-12-03T03:00:00.000Z'],
  ]);
});

test('two concurrent dispatches of one order: one 200, one 409', async () => {
  at('2026-12-01T01:00:00Z');
  const v = await f.visit(worker.token, elder.id, cleaning.id, '2026-12-04T02:00:00Z');
  const admin = await f.adminToken();
  const [a, b] = await Promise.all([
    t.api.post(
      `/api/service-orders/${v.id}/dispatch`,
      { providerUserId: providerA.id },
      { token: worker.token },
    ),
    t.api.post(`/api/service-orders/${v.id}/dispatch`, { providerUserId: providerB.id }, { token: admin }),
  ]);
  expect([a.status, b.status].sort()).toEqual([200, 409]);
  const after = await t.api.get(`/api/service-orders/${v.id}`, { token: worker.token });
  expect(after.body.timeline.filter((e: any) => e.status === 'dispatched')).toHaveLength(1);
  const winner = a.status === 200 ? providerA : providerB;
  expect(after.body.provider.userId).toBe(winner.id);
});

test('a double tap with one Idempotency-Key books one visit; the key with another visit is refused', async () => {
  at('2026-12-01T01:00:00Z');
  const body = { elderId: elder.id, itemId: bath.id, scheduledAt: '2026-12-06T02:00:00Z' };
  const headers = { 'idempotency-key': 'visit-double-tap-1' };
  const taps = await Promise.all(
    [1, 2, 3].map(() => t.api.post('/api/service-orders', body, { token: elderLogin.token, headers })),
  );
  expect(taps.map((r) => r.status).sort()).toEqual([200, 200, 201]);
  expect(new Set(taps.map((r) => r.body.id)).size).toBe(1);
  const mine = await t.api.get(`/api/service-orders?elderId=${elder.id}`, { token: elderLogin.token });
  expect(mine.body.items.filter((v: any) => v.scheduledAt === '2026-12-06T02:00:00.000Z')).toHaveLength(1);
  const reused = await t.api.post(
    '/api/service-orders',
    { ...body, itemId: cleaning.id },
    { token: elderLogin.token, headers },
  );
  expect(reused.status).toBe(409);
  expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
});

test('suggestions list providers with their open visits that day, fewest first; a rejected visit can be re-dispatched', async () => {
  at('2026-12-01T01:00:00Z');
  const day = '2026-12-05';
  const v1 = await f.visit(worker.token, elder.id, bath.id, `${day}T01:00:00Z`);
  const v2 = await f.visit(worker.token, elder.id, bath.id, `${day}T06:00:00Z`);
  for (const v of [v1, v2])
    await t.api.post(
      `/api/service-orders/${v.id}/dispatch`,
      { providerUserId: providerA.id },
      { token: worker.token },
    );
  const s = await t.api.get(`/api/providers/suggestions?date=${day}`, { token: worker.token });
  expect(s.body.items.map((p: any) => [p.name, p.openVisits])).toEqual([
    ['陈师傅', 0],
    ['刘护理员', 2],
  ]);
  expect(
    (await t.api.get(`/api/providers/suggestions?date=${day}`, { token: elderLogin.token })).status,
  ).toBe(403);

  const rej = await t.api.post(
    `/api/service-orders/${v2.id}/reject`,
    { notes: '当天排满' },
    { token: providerA.token },
  );
  expect(rej.body.status).toBe('rejected');
  const again = await t.api.post(
    `/api/service-orders/${v2.id}/dispatch`,
    { providerUserId: providerB.id },
    { token: worker.token },
  );
  expect(again.body).toMatchObject({ status: 'dispatched', provider: { userId: providerB.id } });
  // The elder cancels the other before it starts; a cancelled visit cannot be accepted.
  expect(
    (await t.api.post(`/api/service-orders/${v1.id}/cancel`, {}, { token: elderLogin.token })).body.status,
  ).toBe('cancelled');
  expect(
    (await t.api.post(`/api/service-orders/${v1.id}/accept`, {}, { token: providerA.token })).status,
  ).toBe(409);
});

test('unknown and malformed ids are 404 and 400, never 5xx', async () => {
  expect((await t.api.get(`/api/service-orders/${UNKNOWN_ID}`, { token: worker.token })).status).toBe(404);
  expect((await t.api.get('/api/service-orders/nope', { token: worker.token })).status).toBe(400);
  const bad = await t.api.post(
    '/api/service-orders',
    { elderId: elder.id, itemId: UNKNOWN_ID, scheduledAt: '2026-12-02T02:00:00Z' },
    { token: worker.token },
  );
  expect(bad.status).toBe(404);
  const past = await t.api.post(
    '/api/service-orders',
    { elderId: elder.id, itemId: bath.id, scheduledAt: '2020-01-01T00:00:00Z' },
    { token: worker.token },
  );
  expect(past.status).toBe(400);
  const hours = await t.api.post(
    '/api/service-orders',
    { elderId: elder.id, itemId: bath.id, scheduledAt: '2026-12-02T02:00:00Z', hours: 2 },
    { token: worker.token },
  );
  expect(hours.status).toBe(400);
  expect(
    (
      await t.api.post(
        '/api/service-orders',
        { elderId: elder.id, itemId: bath.id, scheduledAt: 'tomorrow', $where: 1 },
        { token: worker.token },
      )
    ).status,
  ).toBe(400);
});

test('the provider is told of a dispatch, the family of a finished visit', async () => {
  const p = await t.api.get('/api/notifications', { token: providerA.token });
  expect(p.body.items.some((n: any) => n.kind === 'visit_dispatched' && n.body.includes('李秀兰'))).toBe(
    true,
  );
  const fam = await t.api.get('/api/notifications?unread=1', { token: daughter.token });
  expect(fam.body.items.map((n: any) => n.title)).toContain('上门服务已完成');
  expect(fam.body.unread).toBeGreaterThan(0);
});

test('/api/openapi.json describes every new route', async () => {
  const doc = (await t.api.get('/api/openapi.json')).body;
  const expected: [string, string][] = [
    ['/api/service-items', 'post'],
    ['/api/service-items', 'get'],
    ['/api/service-orders', 'post'],
    ['/api/service-orders', 'get'],
    ['/api/service-orders/quote', 'post'],
    ['/api/service-orders/{id}', 'get'],
    ...['dispatch', 'accept', 'reject', 'cancel', 'check-in', 'check-out', 'rating', 'follow-up'].map(
      (a) => [`/api/service-orders/{id}/${a}`, 'post'] as [string, string],
    ),
    ['/api/providers/suggestions', 'get'],
    ['/api/sos', 'post'],
    ['/api/sos', 'get'],
    ['/api/sos/{id}', 'get'],
    ['/api/sos/{id}/ack', 'post'],
    ['/api/sos/{id}/resolve', 'post'],
    ['/api/notifications', 'get'],
    ['/api/notifications/{id}/read', 'post'],
    ['/api/notifications/read-all', 'post'],
    ['/api/reports/summary', 'get'],
  ];
  for (const [path, method] of expected)
    expect({ path, method, ok: Boolean(doc.paths[path]?.[method]) }).toEqual({ path, method, ok: true });
  expect(
    doc.paths['/api/service-orders/{id}/dispatch'].post.requestBody.content['application/json'].schema
      .required,
  ).toEqual(['providerUserId']);
});
