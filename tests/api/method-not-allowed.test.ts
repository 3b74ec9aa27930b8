/**
 * Every path of the OpenAPI document, called with a method it does not declare, answers 405
 * with `Allow` naming exactly the declared methods (HEAD with GET) and the error shape;
 * OPTIONS tells the same `Allow`; a path no route has answers 404.
 */
import { startTestServer, type TestServer } from '../harness/server';

let t: TestServer;
let token: string;
let paths: [string, string[]][];

beforeAll(async () => {
  t = await startTestServer();
  token = await t.api.login(t.admin.phone, t.admin.password);
  const doc = (await t.api.get('/api/openapi.json')).body;
  paths = Object.entries<Record<string, unknown>>(doc.paths).map(([p, ops]) => [
    p
      .replace(/\{id\}/g, 'aaaaaaaaaaaaaaaaaaaaaaaa')
      .replace('{date}', '2030-01-15')
      .replace('{slot}', 'lunch'),
    Object.keys(ops).map((m) => m.toUpperCase()),
  ]);
});
afterAll(() => t?.close());

const expectedAllow = (methods: string[]) =>
  [...new Set([...methods, ...(methods.includes('GET') ? ['HEAD'] : [])])].sort();
const allowOf = (res: { headers: Headers }) =>
  (res.headers.get('allow') ?? '')
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean)
    .sort();

test('an undeclared method on any path → 405 with Allow listing exactly its methods', async () => {
  expect(paths.length).toBeGreaterThan(30);
  for (const [path, methods] of paths) {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'PROPFIND'].filter(
      (m) => !methods.includes(m),
    )) {
      const res = await t.api.call(method, path, undefined, { token });
      const what = `${method} ${path}`;
      expect({ what, status: res.status }).toEqual({ what, status: 405 });
      expect({ what, allow: allowOf(res) }).toEqual({ what, allow: expectedAllow(methods) });
      expect(res.body).toEqual({ error: { code: 'METHOD_NOT_ALLOWED', message: expect.any(String) } });
    }
  }
});

test('OPTIONS names the same methods', async () => {
  for (const [path, methods] of paths) {
    const res = await t.api.call('OPTIONS', path, undefined, { token });
    expect(allowOf(res)).toEqual(expectedAllow(methods));
  }
});

test('a literal path is not taken for a parameter: GET /api/service-orders/quote is 405, not a lookup of id "quote"', async () => {
  const res = await t.api.get('/api/service-orders/quote', { token });
  expect(res.status).toBe(405);
  expect(allowOf(res)).toEqual(['POST']);
});

test('a path no route has → 404 whatever the method', async () => {
  for (const method of ['GET', 'POST', 'PROPFIND']) {
    const res = await t.api.call(method, '/api/no-such-thing', undefined, { token });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  }
});
