import { startTestServer, type TestServer } from '../harness/server';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.close());

test('health answers ok when the database answers', async () => {
  const res = await t.api.get('/api/health');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({ ok: true });
});

test('the bootstrap admin can log in and see themself', async () => {
  const token = await t.api.login(t.admin.phone, t.admin.password);
  const me = await t.api.get('/api/me', { token });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ role: 'admin', name: t.admin.name, phone: t.admin.phone });
});

test('responses carry security headers, and CORS answers only the H5 origins', async () => {
  const allowed = await t.api.get('/api/health', { headers: { origin: 'http://localhost:3000' } });
  expect(allowed.headers.get('x-content-type-options')).toBe('nosniff');
  expect(allowed.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
  const foreign = await t.api.get('/api/health', { headers: { origin: 'https://evil.example' } });
  expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
});
