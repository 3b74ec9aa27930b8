/**
 * Forged and broken tokens: whatever the Authorization header carries, a token not signed by
 * us with HS256 and still valid is refused with 401 and the error shape, on public and
 * role-guarded routes alike; never a 5xx, never the data.
 */
import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { startTestServer, type TestServer } from '../harness/server';

const SECRET = 'jwt-attacks-known-secret-0123456789';

let t: TestServer;
let admin: { id: string; role: string; name: string };
let goodToken: string;

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
/** Signs by hand, so claims jsonwebtoken itself would refuse to sign can be tried. */
function hs256(payload: unknown): string {
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', SECRET).update(unsigned).digest('base64url')}`;
}
const claims = () => ({ sub: admin.id, role: 'admin', name: admin.name });

beforeAll(async () => {
  t = await startTestServer({ jwtSecret: SECRET });
  const login = await t.api.post('/api/auth/login', { phone: t.admin.phone, password: t.admin.password });
  goodToken = login.body.token;
  admin = login.body.user;
});
afterAll(() => t?.close());

function tamperedPayload(token: string, change: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const body = { ...JSON.parse(Buffer.from(payload, 'base64url').toString()), ...change };
  return [header, b64(body), signature].join('.');
}

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const FORGED: [string, () => string][] = [
  ['signed with another secret', () => jwt.sign(claims(), 'not-our-secret', { algorithm: 'HS256' })],
  ['expired', () => jwt.sign({ ...claims(), exp: Math.floor(Date.now() / 1000) - 60 }, SECRET)],
  ['not valid yet', () => jwt.sign({ ...claims(), nbf: Math.floor(Date.now() / 1000) + 3600 }, SECRET)],
  ['alg: none, no signature', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`],
  [
    'alg: none, with our signature kept',
    () => {
      const [, payload, signature] = jwt.sign(claims(), SECRET).split('.');
      return `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`;
    },
  ],
  [
    'HS512 with our secret (an algorithm we do not accept)',
    () => jwt.sign(claims(), SECRET, { algorithm: 'HS512' }),
  ],
  ['RS256 signed with some RSA key', () => jwt.sign(claims(), privateKey, { algorithm: 'RS256' })],
  [
    'RS256 header over an HMAC signature (key confusion)',
    () => {
      const [, payload, signature] = jwt.sign(claims(), SECRET).split('.');
      return `${b64({ alg: 'RS256', typ: 'JWT' })}.${payload}.${signature}`;
    },
  ],
  [
    'a real token with the role changed',
    () => tamperedPayload(goodToken, { role: 'admin', sub: '0'.repeat(24) }),
  ],
  ['a real token with the expiry pushed out', () => tamperedPayload(goodToken, { exp: 4_000_000_000 })],
  ['a real token with its signature cut', () => goodToken.split('.').slice(0, 2).join('.') + '.'],
  ['our secret but no role claim', () => jwt.sign({ sub: admin.id, name: 'x' }, SECRET)],
  ['our secret but a numeric subject', () => hs256({ sub: 123, role: 'admin', name: 'x' })],
  ['our secret but the role an object', () => hs256({ sub: admin.id, role: { $ne: null }, name: 'x' })],
  ['garbage', () => 'garbage'],
  ['three dots of nothing', () => '..'],
  ['base64 of JSON without signature', () => `${b64({ alg: 'HS256' })}.${b64(claims())}`],
  ['a 6000-character token', () => 'a'.repeat(6000)],
];

const HEADERS: [string, () => string][] = [
  ...FORGED.map(([what, make]) => [what, () => `Bearer ${make()}`] as [string, () => string]),
  [
    'Basic credentials',
    () => `Basic ${Buffer.from(`${t.admin.phone}:${t.admin.password}`).toString('base64')}`,
  ],
  ['Bearer and nothing', () => 'Bearer '],
  ['two tokens', () => `Bearer ${goodToken} ${goodToken}`],
  ['the token without "Bearer"', () => goodToken],
];

function expect401(res: { status: number; body: any }, what: string): void {
  if (res.status !== 401)
    throw new Error(`${what}: expected 401, got ${res.status} ${JSON.stringify(res.body)}`);
  expect(res.body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
  expect(res.body.error.message.length).toBeGreaterThan(0);
}

test('the control: our own token is accepted', async () => {
  const res = await t.api.get('/api/me', { token: goodToken });
  expect(res.status).toBe(200);
  expect(res.body.role).toBe('admin');
});

test.each(HEADERS)('%s → 401 with the error shape, on every kind of route', async (what, header) => {
  const value = header();
  for (const [method, path] of [
    ['GET', '/api/me'],
    ['GET', '/api/users'],
    ['POST', '/api/communities'],
    ['GET', '/api/canteens'],
  ]) {
    const res = await t.api.call(method, path, method === 'POST' ? { name: 'x' } : undefined, {
      headers: { authorization: value },
    });
    expect401(res, `${what} on ${method} ${path}`);
    expect(JSON.stringify(res.body)).not.toContain(t.admin.phone);
  }
});

test('an expired token says so in words a person understands', async () => {
  const expired = jwt.sign({ ...claims(), exp: Math.floor(Date.now() / 1000) - 1 }, SECRET);
  const res = await t.api.get('/api/me', { token: expired });
  expect401(res, 'expired');
  expect(res.body.error.message).toContain('过期');
});
