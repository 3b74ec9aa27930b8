/**
 * Accounts: password login (and its lockout), family self-registration, /api/me with
 * masked phones, admin-created users of every role, and WeChat mini-program login
 * through a local server that speaks WeChat's code2Session format.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import type { ApiResponse } from '../harness/client';
import { startTestServer, type TestServer } from '../harness/server';

const JWT_SECRET = 'accounts-test-secret-0123456789';
const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

function expectError(res: ApiResponse, status: number, code?: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    error: expect.objectContaining({ code: expect.stringMatching(UPPER_SNAKE), message: expect.any(String) }),
  });
  expect(res.body.error.message.length).toBeGreaterThan(0);
  if (code) expect(res.body.error.code).toBe(code);
}

// ---------------------------------------------------------------- fake WeChat code2Session

interface WechatCall {
  method: string;
  path: string;
  query: Record<string, string>;
}

/** code → what the fake WeChat says. */
const WECHAT_CODES: Record<string, { status: number; body: string } | 'hang'> = {
  'good-code-1': { status: 200, body: JSON.stringify({ openid: 'o-test-openid-A', session_key: 'sk-A' }) },
  'good-code-1b': { status: 200, body: JSON.stringify({ openid: 'o-test-openid-A', session_key: 'sk-A2' }) },
  'good-code-2': {
    status: 200,
    body: JSON.stringify({ openid: 'o-test-openid-B', session_key: 'sk-B', unionid: 'u-B' }),
  },
  'bad-code': { status: 200, body: JSON.stringify({ errcode: 40029, errmsg: 'invalid code' }) },
  'busy-code': { status: 200, body: JSON.stringify({ errcode: -1, errmsg: 'system error' }) },
  'html-502': { status: 502, body: '<html>Bad Gateway</html>' },
  'no-openid': { status: 200, body: JSON.stringify({ session_key: 'sk' }) },
  'slow-code': 'hang',
};

const wechatCalls: WechatCall[] = [];
let wechat: http.Server;
let wechatBaseUrl: string;
let wechatClosed = false;

async function startFakeWechat(): Promise<void> {
  wechat = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query = Object.fromEntries(url.searchParams.entries());
    wechatCalls.push({ method: req.method ?? '', path: url.pathname, query });
    const known = url.pathname === '/sns/jscode2session' && query.grant_type === 'authorization_code';
    const answer = known ? WECHAT_CODES[query.js_code] : undefined;
    if (answer === 'hang') return; // never answers: the BFF must give up on its own
    const { status, body } = answer ?? {
      status: 200,
      body: JSON.stringify({ errcode: 40029, errmsg: 'invalid code' }),
    };
    res.writeHead(status, { 'content-type': status === 200 ? 'application/json' : 'text/html' });
    res.end(body);
  });
  await new Promise<void>((resolve) => wechat.listen(0, '127.0.0.1', resolve));
  wechatBaseUrl = `http://127.0.0.1:${(wechat.address() as AddressInfo).port}`;
}

async function stopFakeWechat(): Promise<void> {
  if (wechatClosed) return;
  wechatClosed = true;
  const closed = new Promise((r) => wechat.close(r));
  wechat.closeAllConnections();
  await closed;
}

// ---------------------------------------------------------------- server

let t: TestServer;
let adminToken: string;
let adminId: string;

beforeAll(async () => {
  await startFakeWechat();
  t = await startTestServer({
    jwtSecret: JWT_SECRET,
    wechat: { baseUrl: wechatBaseUrl, appId: 'wxtest', appSecret: 's', timeoutMs: 2000 },
  });
  const res = await t.api.post('/api/auth/login', { phone: t.admin.phone, password: t.admin.password });
  expect(res.status).toBe(200);
  adminToken = res.body.token;
  adminId = res.body.user.id;
});

afterAll(async () => {
  await stopFakeWechat();
  await t?.close();
});

// ---------------------------------------------------------------- login

describe('password login', () => {
  test('the right phone and password give a token and who I am', async () => {
    const res = await t.api.post('/api/auth/login', { phone: t.admin.phone, password: t.admin.password });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: expect.any(String),
      user: { id: expect.stringMatching(/^[0-9a-f]{24}$/), role: 'admin', name: t.admin.name },
    });
    expect(res.body.token.split('.')).toHaveLength(3);
    const me = await t.api.get('/api/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(res.body.user.id);
  });

  test('a wrong password is refused with 401 and the error shape', async () => {
    const res = await t.api.post('/api/auth/login', { phone: t.admin.phone, password: 'not-the-password' });
    expectError(res, 401);
    expect(res.body.token).toBeUndefined();
  });

  test('an unknown phone is refused with 401, same as a wrong password', async () => {
    const unknown = await t.api.post('/api/auth/login', { phone: '13711112222', password: 'whatever123' });
    const wrong = await t.api.post('/api/auth/login', { phone: t.admin.phone, password: 'whatever123' });
    expectError(unknown, 401);
    expectError(wrong, 401);
    // Nothing in the answer tells which phones have accounts.
    expect(unknown.body.error).toEqual(wrong.body.error);
  });

  test('after 5 wrong passwords the phone is locked (429) even with the right password; other phones still log in', async () => {
    const locked = { phone: '13600001111', password: 'Locked@Pass1', name: '锁定测试' };
    const other = { phone: '13600002222', password: 'Other@Pass12', name: '另一位' };
    expect((await t.api.post('/api/auth/register', locked)).status).toBe(201);
    expect((await t.api.post('/api/auth/register', other)).status).toBe(201);

    for (let i = 0; i < 5; i++) {
      const res = await t.api.post('/api/auth/login', { phone: locked.phone, password: `wrong-${i}` });
      expectError(res, 401);
    }
    const blocked = await t.api.post('/api/auth/login', { phone: locked.phone, password: locked.password });
    expectError(blocked, 429);
    expect(blocked.body.token).toBeUndefined();

    const fine = await t.api.post('/api/auth/login', { phone: other.phone, password: other.password });
    expect(fine.status).toBe(200);
    expect(fine.body.user.name).toBe(other.name);
  });

  test('4 wrong passwords do not lock the phone, and a success clears the count', async () => {
    const u = { phone: '13600003333', password: 'Almost@Pass1', name: '差一点' };
    expect((await t.api.post('/api/auth/register', u)).status).toBe(201);
    for (let i = 0; i < 4; i++)
      expectError(await t.api.post('/api/auth/login', { phone: u.phone, password: 'nope-nope' }), 401);
    expect((await t.api.post('/api/auth/login', { phone: u.phone, password: u.password })).status).toBe(200);
    // The count started again: 4 more failures still leave the right password working.
    for (let i = 0; i < 4; i++)
      expectError(await t.api.post('/api/auth/login', { phone: u.phone, password: 'nope-nope' }), 401);
    expect((await t.api.post('/api/auth/login', { phone: u.phone, password: u.password })).status).toBe(200);
  });
});

// ---------------------------------------------------------------- register

describe('family registration', () => {
  test('registering creates a family user who is signed in at once and can log in later', async () => {
    const body = { phone: '13500001234', password: 'Family@123', name: '王小明' };
    const res = await t.api.post('/api/auth/register', body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      token: expect.any(String),
      user: { id: expect.any(String), role: 'family', name: '王小明' },
    });
    const me = await t.api.get('/api/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: res.body.user.id, role: 'family', name: '王小明' });
    const login = await t.api.post('/api/auth/login', { phone: body.phone, password: body.password });
    expect(login.status).toBe(200);
    expect(login.body.user).toEqual(res.body.user);
  });

  test('registering the same phone twice is a 409 conflict and keeps the first password', async () => {
    const body = { phone: '13500005555', password: 'First@1234', name: '第一位' };
    expect((await t.api.post('/api/auth/register', body)).status).toBe(201);
    const again = await t.api.post('/api/auth/register', {
      ...body,
      password: 'Second@1234',
      name: '第二位',
    });
    expectError(again, 409);
    expect((await t.api.post('/api/auth/login', { phone: body.phone, password: 'Second@1234' })).status).toBe(
      401,
    );
    const first = await t.api.post('/api/auth/login', { phone: body.phone, password: body.password });
    expect(first.status).toBe(200);
    expect(first.body.user.name).toBe('第一位');
  });

  test('a password shorter than 6 characters is refused, naming the password field', async () => {
    const res = await t.api.post('/api/auth/register', {
      phone: '13500006666',
      password: '12345',
      name: '弱密码',
    });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(Object.keys(res.body.error.fields)).toEqual(['password']);
    // and nothing was created
    expect(
      (await t.api.post('/api/auth/register', { phone: '13500006666', password: '123456', name: '好密码' }))
        .status,
    ).toBe(201);
  });

  test.each(['1350000666', '135000066661', '12500006666', '1350000666a', '+8613500006666', ''])(
    'an invalid phone %j is refused, naming the phone field',
    async (phone) => {
      const res = await t.api.post('/api/auth/register', { phone, password: 'Good@Pass1', name: '号码错' });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(Object.keys(res.body.error.fields)).toEqual(['phone']);
    },
  );

  test('a registration cannot choose its own role', async () => {
    const res = await t.api.post('/api/auth/register', {
      phone: '13500007777',
      password: 'Good@Pass1',
      name: '想当管理员',
      role: 'admin',
    });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.fields).toHaveProperty('role');
    expect(
      (await t.api.post('/api/auth/login', { phone: '13500007777', password: 'Good@Pass1' })).status,
    ).toBe(401);
  });
});

// ---------------------------------------------------------------- /api/me

describe('GET /api/me', () => {
  const sign = (claims: object, secret = JWT_SECRET, opts: jwt.SignOptions = {}) =>
    jwt.sign(claims, secret, { algorithm: 'HS256', ...opts });

  test('without a token → 401', async () => {
    expectError(await t.api.get('/api/me'), 401);
  });

  test.each([
    ['garbage', 'Bearer not-a-jwt'],
    ['an empty bearer', 'Bearer '],
    ['Basic auth', 'Basic YWRtaW46YWRtaW4='],
    ['three dotted junk parts', 'Bearer a.b.c'],
  ])('an authorization header that is %s → 401', async (_label, header) => {
    expectError(await t.api.get('/api/me', { headers: { authorization: header } }), 401);
  });

  test('a token signed by us and still valid works (the control for the next tests)', async () => {
    const token = sign({ sub: adminId, role: 'admin', name: 'x' }, JWT_SECRET, { expiresIn: 60 });
    const me = await t.api.get('/api/me', { token });
    expect(me.status).toBe(200);
    expect(me.body.id).toBe(adminId);
  });

  test('an expired token → 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = sign({ sub: adminId, role: 'admin', name: 'x', iat: now - 3600, exp: now - 60 });
    expectError(await t.api.get('/api/me', { token }), 401);
  });

  test('a token signed with another secret → 401', async () => {
    const token = sign({ sub: adminId, role: 'admin', name: 'x' }, 'someone-elses-secret', { expiresIn: 60 });
    expectError(await t.api.get('/api/me', { token }), 401);
  });

  test('an unsigned ("alg: none") token → 401', async () => {
    const token = jwt.sign({ sub: adminId, role: 'admin', name: 'x' }, '', { algorithm: 'none' });
    expectError(await t.api.get('/api/me', { token }), 401);
  });

  test('a family user sees their own phone masked like 138****5678', async () => {
    const res = await t.api.post('/api/auth/register', {
      phone: '13800005678',
      password: 'Masked@123',
      name: '掩码',
    });
    expect(res.status).toBe(201);
    const me = await t.api.get('/api/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body.phone).toBe('138****5678');
    expect(JSON.stringify(me.body)).not.toContain('13800005678');
  });

  test('an admin sees their phone whole', async () => {
    const me = await t.api.get('/api/me', { token: adminToken });
    expect(me.status).toBe(200);
    expect(me.body.phone).toBe(t.admin.phone);
  });
});

// ---------------------------------------------------------------- POST /api/users

describe('admin creates users', () => {
  let communityId: string;
  let canteenId: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const c = await t.api.post(
      '/api/communities',
      { name: '幸福里社区', district: '测试区', location: { lng: 121.47, lat: 31.23 } },
      { token: adminToken },
    );
    expect(c.status).toBe(201);
    communityId = c.body.id;
    const k = await t.api.post(
      '/api/canteens',
      {
        name: '幸福里长者食堂',
        communityId,
        address: '幸福路1号',
        location: { lng: 121.471, lat: 31.231 },
        slots: [{ slot: 'lunch', cutoff: '09:30' }],
        fulfilment: ['dine_in'],
        deliveryFee: 0,
      },
      { token: adminToken },
    );
    expect(k.status).toBe(201);
    canteenId = k.body.id;
  });

  const people = [
    { role: 'admin', phone: '13700000001', name: '第二管理员', extra: () => ({}) },
    { role: 'worker', phone: '13700000002', name: '助老员小李', extra: () => ({ communityId }) },
    { role: 'canteen_staff', phone: '13700000003', name: '食堂小张', extra: () => ({ canteenId }) },
    { role: 'provider', phone: '13700000004', name: '护工老赵', extra: () => ({ providerId: 'prov-001' }) },
    { role: 'family', phone: '13700000005', name: '家属小陈', extra: () => ({}) },
    { role: 'elder', phone: '13700000006', name: '长者老周', extra: () => ({}) },
  ] as const;

  test.each(people)(
    'an admin creates a user with role $role, who can then log in and see that role',
    async (p) => {
      const password = `Pass@${p.role}1`;
      const res = await t.api.post(
        '/api/users',
        { phone: p.phone, password, name: p.name, role: p.role, ...p.extra() },
        { token: adminToken },
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f]{24}$/),
        role: p.role,
        name: p.name,
        ...p.extra(),
      });
      expect(res.body).not.toHaveProperty('password');
      expect(res.body).not.toHaveProperty('passwordHash');

      const login = await t.api.post('/api/auth/login', { phone: p.phone, password });
      expect(login.status).toBe(200);
      expect(login.body.user).toEqual({ id: res.body.id, role: p.role, name: p.name });
      tokens[p.role] = login.body.token;

      const me = await t.api.get('/api/me', { token: login.body.token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ id: res.body.id, role: p.role, ...p.extra() });
      expect(me.body.phone).toBe(
        p.role === 'admin' ? p.phone : `${p.phone.slice(0, 3)}****${p.phone.slice(-4)}`,
      );
    },
  );

  test('a worker without a community is refused, naming communityId', async () => {
    const res = await t.api.post(
      '/api/users',
      { phone: '13700000010', password: 'Worker@123', name: '无社区', role: 'worker' },
      { token: adminToken },
    );
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.fields).toHaveProperty('communityId');
    expect(
      (await t.api.post('/api/auth/login', { phone: '13700000010', password: 'Worker@123' })).status,
    ).toBe(401);
  });

  test('a worker for a community that does not exist is refused, naming communityId', async () => {
    const res = await t.api.post(
      '/api/users',
      {
        phone: '13700000011',
        password: 'Worker@123',
        name: '假社区',
        role: 'worker',
        communityId: '0123456789abcdef01234567',
      },
      { token: adminToken },
    );
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.fields).toHaveProperty('communityId');
  });

  test('canteen staff without a canteen, or with an unknown one, are refused naming canteenId', async () => {
    const none = await t.api.post(
      '/api/users',
      { phone: '13700000012', password: 'Staff@1234', name: '无食堂', role: 'canteen_staff' },
      { token: adminToken },
    );
    expectError(none, 400, 'VALIDATION_FAILED');
    expect(none.body.error.fields).toHaveProperty('canteenId');
    const unknown = await t.api.post(
      '/api/users',
      {
        phone: '13700000012',
        password: 'Staff@1234',
        name: '假食堂',
        role: 'canteen_staff',
        canteenId: 'ffffffffffffffffffffffff',
      },
      { token: adminToken },
    );
    expectError(unknown, 400, 'VALIDATION_FAILED');
    expect(unknown.body.error.fields).toHaveProperty('canteenId');
  });

  test('an unknown role is refused, naming role', async () => {
    const res = await t.api.post(
      '/api/users',
      { phone: '13700000013', password: 'Super@1234', name: '超级', role: 'superuser' },
      { token: adminToken },
    );
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.fields).toHaveProperty('role');
  });

  test('an admin cannot create a second account on a phone already in use (409)', async () => {
    const res = await t.api.post(
      '/api/users',
      { phone: t.admin.phone, password: 'Whatever@1', name: '重复', role: 'family' },
      { token: adminToken },
    );
    expectError(res, 409);
    expect(
      (await t.api.post('/api/auth/login', { phone: t.admin.phone, password: 'Whatever@1' })).status,
    ).toBe(401);
  });

  test.each(['worker', 'canteen_staff', 'provider', 'family', 'elder'])(
    'role %s may not create users (403)',
    async (role) => {
      expect(tokens[role]).toBeDefined(); // created by the test above
      const res = await t.api.post(
        '/api/users',
        { phone: '13700000020', password: 'Sneaky@123', name: '偷建', role: 'admin' },
        { token: tokens[role] },
      );
      expectError(res, 403);
      expect(
        (await t.api.post('/api/auth/login', { phone: '13700000020', password: 'Sneaky@123' })).status,
      ).toBe(401);
    },
  );

  test('without a token creating a user → 401', async () => {
    const res = await t.api.post('/api/users', {
      phone: '13700000021',
      password: 'Anon@1234',
      name: '匿名',
      role: 'admin',
    });
    expectError(res, 401);
    expect(
      (await t.api.post('/api/auth/login', { phone: '13700000021', password: 'Anon@1234' })).status,
    ).toBe(401);
  });
});

// ---------------------------------------------------------------- WeChat login

describe('WeChat mini-program login (code2Session)', () => {
  test('a good code → 200 with a token and a family user; WeChat was asked with our appid, secret and the code', async () => {
    const before = wechatCalls.length;
    const res = await t.api.post('/api/auth/wechat', { code: 'good-code-1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: expect.any(String),
      user: { id: expect.stringMatching(/^[0-9a-f]{24}$/), role: 'family', name: expect.any(String) },
    });

    const calls = wechatCalls.slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual({
      method: 'GET',
      path: '/sns/jscode2session',
      query: { appid: 'wxtest', secret: 's', js_code: 'good-code-1', grant_type: 'authorization_code' },
    });

    const me = await t.api.get('/api/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: res.body.user.id, role: 'family' });
  });

  test('the same WeChat user logging in again (same code, or a new code for the same openid) is the same account', async () => {
    const first = await t.api.post('/api/auth/wechat', { code: 'good-code-1' });
    const again = await t.api.post('/api/auth/wechat', { code: 'good-code-1' });
    const newCode = await t.api.post('/api/auth/wechat', { code: 'good-code-1b' });
    expect([first.status, again.status, newCode.status]).toEqual([200, 200, 200]);
    expect(again.body.user.id).toBe(first.body.user.id);
    expect(newCode.body.user.id).toBe(first.body.user.id);
  });

  test('a different WeChat user gets a different account', async () => {
    const a = await t.api.post('/api/auth/wechat', { code: 'good-code-1' });
    const b = await t.api.post('/api/auth/wechat', { code: 'good-code-2' });
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.body.user.id).not.toBe(a.body.user.id);
  });

  test('a new WeChat user whose first login is sent several times at once gets one account, and every attempt succeeds', async () => {
    // 30 rounds of 10 simultaneous first logins, each round a new openid (the race is timing-dependent).
    const failures: unknown[] = [];
    for (let round = 0; round < 30; round++) {
      const code = `race-code-${round}`;
      WECHAT_CODES[code] = {
        status: 200,
        body: JSON.stringify({ openid: `o-race-${round}`, session_key: 'k' }),
      };
      const results = await Promise.all(
        Array.from({ length: 10 }, () => t.api.post('/api/auth/wechat', { code })),
      );
      failures.push(
        ...results.filter((r) => r.status !== 200).map((r) => ({ round, status: r.status, body: r.body })),
      );
      const ids = new Set(results.filter((r) => r.status === 200).map((r) => r.body.user.id));
      expect(ids.size).toBe(1);
    }
    expect(failures).toEqual([]);
  });

  test('a code WeChat rejects (errcode 40029) → 401 and no token', async () => {
    const res = await t.api.post('/api/auth/wechat', { code: 'bad-code' });
    expectError(res, 401);
    expect(res.body.token).toBeUndefined();
  });

  test.each([
    ['WeChat is busy (errcode -1)', 'busy-code'],
    ['WeChat answers 502 with HTML', 'html-502'],
    ['WeChat answers without an openid', 'no-openid'],
  ])('%s → 401, never a 5xx', async (_label, code) => {
    expectError(await t.api.post('/api/auth/wechat', { code }), 401);
  });

  test('WeChat that never answers → 401 after the configured timeout, not a hang', async () => {
    const started = Date.now();
    const res = await t.api.post('/api/auth/wechat', { code: 'slow-code' });
    expectError(res, 401);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  test('an empty or missing code is a 400 and WeChat is not called', async () => {
    const before = wechatCalls.length;
    const empty = await t.api.post('/api/auth/wechat', { code: '' });
    const missing = await t.api.post('/api/auth/wechat', {});
    expectError(empty, 400, 'VALIDATION_FAILED');
    expect(empty.body.error.fields).toHaveProperty('code');
    expectError(missing, 400, 'VALIDATION_FAILED');
    expect(missing.body.error.fields).toHaveProperty('code');
    expect(wechatCalls.length).toBe(before);
  });

  // Last in this block: it takes the fake WeChat down.
  test('an unreachable WeChat base URL → 401 (the contract allows only 200 or 401)', async () => {
    await stopFakeWechat();
    await expect(fetch(`${wechatBaseUrl}/sns/jscode2session`)).rejects.toThrow(); // nothing listens there now
    const res = await t.api.post('/api/auth/wechat', { code: 'good-code-1' });
    expectError(res, 401);
  });
});
