/**
 * Guessing: wrong passwords per phone and per IP, unknown invite codes per family user.
 * At the limit → 429 with Retry-After and the error shape, even for the right answer; the
 * lock-out ends when the window has passed; one phone's (or user's) lock leaves others alone.
 * A short window here (config.login; LOGIN_WINDOW_MS in production).
 */
import { startTestServer, type TestServer } from '../harness/server';
import { Fixtures } from './fixtures';

// Long enough for a run of hashed-password checks (~0.2 s each) to fit in one window.
const WINDOW_MS = 4000;
const LIMITS = { maxFailures: 3, windowMs: WINDOW_MS, maxFailuresPerIp: 6, maxInviteFailures: 3 };

let t: TestServer;
let f: Fixtures;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  t = await startTestServer({ login: LIMITS });
  f = new Fixtures(t);
});
afterAll(() => t?.close());
// Each test starts with every window passed (the IP's count included).
afterEach(() => sleep(WINDOW_MS + 100));

function expectLockedOut(res: { status: number; body: any; headers: Headers }): void {
  expect(res.status).toBe(429);
  expect(res.body).toEqual({ error: { code: 'TOO_MANY_REQUESTS', message: expect.any(String) } });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(Math.ceil(WINDOW_MS / 1000));
  expect(res.body.token).toBeUndefined();
}

async function registered(name: string) {
  const u = { phone: f.nextPhone(), password: 'Right#pass1', name };
  expect((await t.api.post('/api/auth/register', u)).status).toBe(201);
  return u;
}

test('a phone: N wrong passwords → 429 with Retry-After, even with the right one; other phones unaffected; it ends', async () => {
  const target = await registered('被猜的人');
  const other = await registered('旁人');
  for (let i = 0; i < LIMITS.maxFailures; i++) {
    const res = await t.api.post('/api/auth/login', { phone: target.phone, password: `guess-${i}` });
    expect(res.status).toBe(401);
  }
  expectLockedOut(await t.api.post('/api/auth/login', { phone: target.phone, password: target.password }));
  expect((await t.api.post('/api/auth/login', { phone: other.phone, password: other.password })).status).toBe(
    200,
  );

  await sleep(WINDOW_MS + 100);
  const back = await t.api.post('/api/auth/login', { phone: target.phone, password: target.password });
  expect(back.status).toBe(200);
  expect(back.body.user.name).toBe('被猜的人');
});

test('an IP trying many phones: after its limit every login from it is refused (429) until the window passes', async () => {
  const victim = await registered('同一网络的人');
  // One wrong password each on many phones: no phone reaches its own limit.
  for (let i = 0; i < LIMITS.maxFailuresPerIp; i++) {
    const res = await t.api.post('/api/auth/login', { phone: f.nextPhone(), password: 'Spray#pass1' });
    expect(res.status).toBe(401);
  }
  expectLockedOut(await t.api.post('/api/auth/login', { phone: victim.phone, password: victim.password }));
  await sleep(WINDOW_MS + 100);
  expect(
    (await t.api.post('/api/auth/login', { phone: victim.phone, password: victim.password })).status,
  ).toBe(200);
});

test('invite codes: a family user guessing → 429 with Retry-After, even for a real code; other users can link; it ends', async () => {
  const elder = await f.elder(await f.adminToken(), (await f.community()).id);
  const guesser = await f.family('猜码的人');
  const honest = await f.family('正常家属');
  for (const code of ['AAAAAAAA', 'BBBBBBBB', 'CCCCCCCC'].slice(0, LIMITS.maxInviteFailures)) {
    const res = await t.api.post('/api/family/links', { code }, { token: guesser.token });
    expect(res.status).toBe(404);
  }
  const invite = await t.api.post(`/api/elders/${elder.id}/invites`, {}, { token: await f.adminToken() });
  expect(invite.status).toBe(201);
  expectLockedOut(
    await t.api.post('/api/family/links', { code: invite.body.code }, { token: guesser.token }),
  );

  const second = await t.api.post(`/api/elders/${elder.id}/invites`, {}, { token: await f.adminToken() });
  const linked = await t.api.post('/api/family/links', { code: second.body.code }, { token: honest.token });
  expect(linked.status).toBe(201);

  await sleep(WINDOW_MS + 100);
  const later = await t.api.post('/api/family/links', { code: invite.body.code }, { token: guesser.token });
  expect(later.status).toBe(201);
});
