/**
 * Input validation at the edge: every body is checked against the same zod schema that
 * the OpenAPI document is generated from. Bad input → 400 VALIDATION_FAILED naming the
 * field; `$` keys and unknown fields never get through; nothing malformed yields a 5xx.
 */
import { gzipSync } from 'node:zlib';
import { makeIdCardNo } from '../../shared/src/idcard';
import { createApp } from '../../bff/src/app';
import { configFromEnv } from '../../bff/src/config';
import { createLogger } from '../../bff/src/log';
import type { ApiResponse } from '../harness/client';
import { startTestServer, type TestServer } from '../harness/server';

const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

function expectErrorShape(res: ApiResponse, status: number, code?: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toEqual({
    error: expect.objectContaining({ code: expect.stringMatching(UPPER_SNAKE), message: expect.any(String) }),
  });
  expect(res.body.error.message.length).toBeGreaterThan(0);
  if (code) expect(res.body.error.code).toBe(code);
}

function expectFieldsNamed(res: ApiResponse, ...fields: string[]): void {
  expectErrorShape(res, 400, 'VALIDATION_FAILED');
  expect(res.body.error.fields).toEqual(expect.any(Object));
  for (const f of fields) expect(Object.keys(res.body.error.fields)).toContain(f);
}

let t: TestServer;
let adminToken: string;
let communityId: string;
let phoneCounter = 0;
const newPhone = () => `1550000${String(1000 + phoneCounter++).padStart(4, '0')}`;
const elderIdCard = (seq: number) => makeIdCardNo('310101', '1948-03-15', seq);

beforeAll(async () => {
  t = await startTestServer();
  adminToken = await t.api.login(t.admin.phone, t.admin.password);
  const c = await t.api.post(
    '/api/communities',
    { name: '校验社区', district: '测试区', location: { lng: 121.5, lat: 31.2 } },
    { token: adminToken },
  );
  expect(c.status).toBe(201);
  communityId = c.body.id;
});
afterAll(() => t?.close());

// ---------------------------------------------------------------- per endpoint

interface Endpoint {
  path: string;
  auth: boolean;
  /** A body the endpoint accepts (a fresh one per call: phones and ID numbers are unique). */
  valid(): Record<string, unknown>;
  okStatus: number;
  required: string[];
  /** field → a value of the wrong type */
  wrongTypes: Record<string, unknown>;
}

let elderSeq = 100;
const endpoints: Endpoint[] = [
  {
    path: '/api/auth/login',
    auth: false,
    valid: () => ({ phone: t.admin.phone, password: t.admin.password }),
    okStatus: 200,
    required: ['phone', 'password'],
    wrongTypes: { phone: 13900009999, password: 12345678 },
  },
  {
    path: '/api/auth/register',
    auth: false,
    valid: () => ({ phone: newPhone(), password: 'Valid@Pass1', name: '注册者' }),
    okStatus: 201,
    required: ['phone', 'password', 'name'],
    wrongTypes: { phone: ['13500000000'], password: true, name: { zh: '名' } },
  },
  {
    path: '/api/users',
    auth: true,
    valid: () => ({ phone: newPhone(), password: 'Valid@Pass1', name: '新用户', role: 'family' }),
    okStatus: 201,
    required: ['phone', 'password', 'name', 'role'],
    wrongTypes: { role: 1, communityId: 123, name: null },
  },
  {
    path: '/api/communities',
    auth: true,
    valid: () => ({ name: '新社区', district: '测试区', location: { lng: 121.4, lat: 31.1 } }),
    okStatus: 201,
    required: ['name', 'district', 'location'],
    wrongTypes: { location: '121.4,31.1', district: 7, name: [] },
  },
  {
    path: '/api/canteens',
    auth: true,
    valid: () => ({
      name: '新食堂',
      communityId,
      address: '测试路2号',
      location: { lng: 121.41, lat: 31.11 },
      slots: [{ slot: 'lunch', cutoff: '09:30' }],
      fulfilment: ['dine_in', 'delivery'],
      deliveryFee: 300,
    }),
    okStatus: 201,
    required: ['name', 'communityId', 'address', 'location', 'slots', 'fulfilment', 'deliveryFee'],
    wrongTypes: {
      deliveryFee: '3.00',
      slots: { slot: 'lunch' },
      fulfilment: 'dine_in',
      communityId: { $gt: '' },
    },
  },
  {
    path: '/api/elders',
    auth: true,
    valid: () => ({
      name: '老王',
      idCardNo: elderIdCard(elderSeq++),
      birthDate: '1948-03-15',
      address: '测试路3号',
      communityId,
      groups: ['dibao'],
    }),
    okStatus: 201,
    required: ['name', 'idCardNo', 'birthDate', 'address', 'communityId', 'groups'],
    wrongTypes: {
      groups: 'dibao',
      birthDate: 19480315,
      idCardNo: 310101194803151000,
      location: { lng: 'east', lat: 31 },
    },
  },
];

const post = (e: Endpoint, body: unknown) => t.api.post(e.path, body, e.auth ? { token: adminToken } : {});

describe.each(endpoints)('POST $path', (e) => {
  test('a correct body is accepted (the control for the refusals below)', async () => {
    const res = await post(e, e.valid());
    expect(res.status).toBe(e.okStatus);
  });

  test('an empty body names every required field', async () => {
    const res = await post(e, {});
    expectFieldsNamed(res, ...e.required);
  });

  test.each(e.required)('leaving out %s names that field and only that field', async (field) => {
    const body = e.valid();
    delete body[field];
    const res = await post(e, body);
    expectFieldsNamed(res, field);
    expect(Object.keys(res.body.error.fields)).toEqual([field]);
  });

  test.each(Object.entries(e.wrongTypes))(
    'a wrong type for %s is refused naming it',
    async (field, value) => {
      const res = await post(e, { ...e.valid(), [field]: value });
      expectErrorShape(res, 400, 'VALIDATION_FAILED');
      // the field itself, or a part of it (location → location.lng)
      expect(Object.keys(res.body.error.fields)).toContainEqual(
        expect.stringMatching(new RegExp(`^${field}(\\.|$)`)),
      );
    },
  );

  test('an operator object {"$ne": null} in place of a value is refused naming the field', async () => {
    const field = e.required[0];
    const res = await post(e, { ...e.valid(), [field]: { $ne: null } });
    expectFieldsNamed(res, field);
  });

  test('a top-level "$where" key is refused naming it', async () => {
    const res = await post(e, { ...e.valid(), $where: 'sleep(1000) || true' });
    expectFieldsNamed(res, '$where');
  });

  test('an unknown field is refused naming it', async () => {
    const res = await post(e, { ...e.valid(), isAdmin: true });
    expectFieldsNamed(res, 'isAdmin');
  });
});

describe('operator injection in login', () => {
  test('{"phone":{"$ne":null}} with any password does not log anyone in', async () => {
    const res = await t.api.post('/api/auth/login', { phone: { $ne: null }, password: t.admin.password });
    expectFieldsNamed(res, 'phone');
    expect(res.body.token).toBeUndefined();
  });

  test('{"password":{"$gt":""}} does not log anyone in', async () => {
    const res = await t.api.post('/api/auth/login', { phone: t.admin.phone, password: { $gt: '' } });
    expectFieldsNamed(res, 'password');
    expect(res.body.token).toBeUndefined();
  });

  test('a nested $ key inside a location object is refused naming its path', async () => {
    const res = await t.api.post(
      '/api/communities',
      { name: '注入社区', district: '测试区', location: { lng: 1, lat: 2, $where: '1' } },
      { token: adminToken },
    );
    expectFieldsNamed(res, 'location.$where');
  });
});

describe('elder-specific checks', () => {
  test('an ID number with a wrong check digit is refused naming idCardNo', async () => {
    const good = elderIdCard(900);
    const bad = good.slice(0, 17) + (good[17] === '1' ? '2' : '1');
    const res = await t.api.post(
      '/api/elders',
      { name: '校验位', idCardNo: bad, birthDate: '1948-03-15', address: 'x', communityId, groups: [] },
      { token: adminToken },
    );
    expectFieldsNamed(res, 'idCardNo');
  });

  test('a birth date that differs from the one in the ID number is refused naming birthDate', async () => {
    const res = await t.api.post(
      '/api/elders',
      {
        name: '生日错',
        idCardNo: elderIdCard(901),
        birthDate: '1948-03-16',
        address: 'x',
        communityId,
        groups: [],
      },
      { token: adminToken },
    );
    expectFieldsNamed(res, 'birthDate');
  });

  test('an unknown eligibility group is refused naming groups', async () => {
    const res = await t.api.post(
      '/api/elders',
      {
        name: '类别错',
        idCardNo: elderIdCard(902),
        birthDate: '1948-03-15',
        address: 'x',
        communityId,
        groups: ['vip'],
      },
      { token: adminToken },
    );
    expectFieldsNamed(res, 'groups.0');
  });
});

// ---------------------------------------------------------------- malformed requests

describe('malformed requests', () => {
  test('malformed JSON is a 400 with the error shape', async () => {
    const res = await t.api.call('POST', '/api/auth/login', undefined, { raw: '{"phone":' });
    expectErrorShape(res, 400);
  });

  test('a body over 100 kb is refused with 413 and the error shape', async () => {
    const res = await t.api.post('/api/auth/register', {
      phone: '13500000000',
      password: 'x'.repeat(120 * 1024),
      name: 'big',
    });
    expectErrorShape(res, 413);
  });

  test('a body just under 100 kb is read and validated (400, not 413)', async () => {
    const res = await t.api.post('/api/auth/register', {
      phone: '13500000000',
      password: 'x'.repeat(90 * 1024),
      name: 'big',
    });
    expectFieldsNamed(res, 'password');
  });

  test.each([
    ['GET', '/api/does-not-exist'],
    ['POST', '/api/does-not-exist'],
    ['GET', '/api/auth'],
    ['GET', '/api/me/extra'],
  ])('an unknown API path (%s %s) is a 404 with the error shape', async (method, path) => {
    const res = await t.api.call(method, path, method === 'POST' ? {} : undefined, { token: adminToken });
    expectErrorShape(res, 404);
  });

  test.each(['DELETE', 'PATCH', 'PUT'])(
    'a known path with a verb it does not support (%s /api/me) is a 4xx with the error shape',
    async (method) => {
      const res = await t.api.call(method, '/api/me', undefined, { token: adminToken });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectErrorShape(res, res.status);
    },
  );

  test.each(['PROPFIND', 'MKCOL'])(
    'an HTTP verb the server does not know (%s) is a 4xx with the error shape, not a 5xx',
    async (method) => {
      for (const path of ['/api/me', '/api/does-not-exist']) {
        const res = await t.api.call(method, path, undefined, { token: adminToken });
        expect({ path, status: res.status < 500 }).toEqual({ path, status: true });
        expectErrorShape(res, res.status);
      }
    },
  );
});

describe('compressed request bodies', () => {
  test('a correctly gzipped JSON body is accepted (the control)', async () => {
    const body = gzipSync(JSON.stringify({ phone: t.admin.phone, password: t.admin.password }));
    const res = await fetch(`${t.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body,
    });
    expect(res.status).toBe(200);
  });

  test('a gzip bomb (50 MB inflated) is refused with 413', async () => {
    const body = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    const res = await fetch(`${t.baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body,
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toMatch(UPPER_SNAKE);
  });

  test.each(['gzip', 'deflate'])(
    'a body that claims content-encoding %s but is not compressed is a 4xx, not a 5xx',
    async (encoding) => {
      const res = await t.api.call('POST', '/api/auth/login', undefined, {
        raw: JSON.stringify({ phone: t.admin.phone, password: t.admin.password }),
        headers: { 'content-encoding': encoding },
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expectErrorShape(res, res.status);
    },
  );

  test('an unknown content-encoding is a 4xx with the error shape', async () => {
    const res = await t.api.call('POST', '/api/auth/login', undefined, {
      raw: '{}',
      headers: { 'content-encoding': 'br-nonsense' },
    });
    expect(res.status).toBe(415);
    expectErrorShape(res, 415);
  });
});

// ---------------------------------------------------------------- no 5xx, ever

const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/** Raw bodies sent as is with content-type application/json. */
const NASTY_RAW: string[] = [
  '{"phone":',
  '',
  'null',
  'true',
  '0',
  '-1e999',
  '"just a string"',
  '[]',
  '[{"phone":"13900009999"}]',
  '{}',
  '{"__proto__":{"role":"admin","isAdmin":true}}',
  '{"constructor":{"prototype":{"role":"admin"}}}',
  '{"phone":"13900009999","phone":{"$ne":null}}',
  '{"phone":"\\u0000\\u0000","password":"\\ud800"}',
  '{"name":"\u0000"}',
  '{"location":{"lng":1e999,"lat":-1e999}}',
  '{"deliveryFee":1e308,"slots":[null],"fulfilment":[null]}',
  '{"groups":[{"$gt":""}],"emergencyContacts":[{"phone":{"$regex":".*"}}]}',
  '{"$where":"function(){return true}","$expr":{},"$or":[{}]}',
  '{"communityId":{"$in":["x"]},"role":{"$nin":[]}}',
  deep(5000),
  deepObject(5000),
  '\uFEFF{"phone":"13900009999"}',
  '{"phone": NaN}',
  "{'phone':'13900009999'}",
  '{"a":1}garbage',
];

/** JSON values sent with JSON.stringify. */
const NASTY_JSON: unknown[] = [
  { phone: { $ne: null }, password: { $ne: null } },
  { phone: '13900009999', password: 'Admin@Test123', extra: { $where: '1' } },
  { name: 'x'.repeat(10_000), district: 'y'.repeat(10_000) },
  { location: { lng: '121', lat: '31' } },
  { slots: [{ slot: 'lunch', cutoff: '25:99' }], fulfilment: ['teleport'] },
  { idCardNo: 'X'.repeat(18), birthDate: '1948-02-30', groups: ['dibao', 'dibao'] },
  { communityId: '000000000000000000000000' },
  { role: 'admin', phone: '13900009999', password: 'x' },
  { code: { $ne: '' } },
  { phone: 13900009999, password: [] },
];

const POST_PATHS = [
  '/api/auth/login',
  '/api/auth/register',
  '/api/auth/wechat',
  '/api/users',
  '/api/communities',
  '/api/canteens',
  '/api/elders',
  '/api/family/links',
  '/api/elders/not-an-id/account',
  '/api/elders/000000000000000000000000/invites',
];

function expectNo5xx(res: ApiResponse, what: string): void {
  if (res.status >= 500 || res.status < 200) {
    throw new Error(`${what} → ${res.status} ${JSON.stringify(res.body)}`);
  }
  if (res.status >= 400) {
    if (typeof res.body?.error?.code !== 'string' || !UPPER_SNAKE.test(res.body.error.code)) {
      throw new Error(`${what} → ${res.status} without the error shape: ${JSON.stringify(res.body)}`);
    }
  }
}

describe('no input, however malformed, yields a 5xx', () => {
  test.each(POST_PATHS)('raw nasty bodies to %s', async (path) => {
    for (const token of [undefined, adminToken]) {
      for (const raw of NASTY_RAW) {
        const res = await t.api.call('POST', path, undefined, { raw, token });
        expectNo5xx(res, `POST ${path} ${raw.slice(0, 60)} (token: ${Boolean(token)})`);
      }
    }
  });

  test.each(POST_PATHS)('nasty JSON values to %s', async (path) => {
    for (const body of NASTY_JSON) {
      const res = await t.api.post(path, body, { token: adminToken });
      expectNo5xx(res, `POST ${path} ${JSON.stringify(body).slice(0, 80)}`);
      expect(res.status).toBeGreaterThanOrEqual(400); // none of these is a valid request
    }
  });

  test('odd content types and charsets', async () => {
    const cases: Record<string, string>[] = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'application/json; charset=latin1' },
      { 'content-type': 'application/json; charset=utf-16' },
      { 'content-type': 'application/json; charset=nonsense' },
      { 'content-type': 'multipart/form-data; boundary=x' },
    ];
    for (const headers of cases) {
      const res = await t.api.call('POST', '/api/auth/login', undefined, {
        raw: 'phone[$ne]=1&password[$ne]=1',
        headers,
      });
      expectNo5xx(res, `POST /api/auth/login with ${JSON.stringify(headers)}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
  });

  test('nasty query strings and path parameters', async () => {
    const gets = [
      '/api/elders?q[$ne]=1',
      '/api/elders?q=a&q=b',
      '/api/elders?q=' + 'x'.repeat(5000),
      '/api/elders?communityId[$gt]=',
      '/api/elders?communityId=%00',
      '/api/elders?__proto__[x]=1',
      '/api/canteens?lng=abc&lat=31',
      '/api/canteens?lng=121',
      '/api/canteens?lng=121&lat=31&radius=-5',
      '/api/canteens?lng=Infinity&lat=NaN',
      '/api/canteens?communityId[$ne]=x',
      '/api/canteens/not-an-id',
      '/api/canteens/%00',
      '/api/canteens/%E0%A4%A',
      "/api/canteens/' or 1=1 --",
      '/api/canteens/$where',
      '/api/elders/000000000000000000000000',
      '/api/elders/%ZZ',
      '/api/users?role=superuser',
      '/api/users?role[$ne]=admin',
      '/api/%',
      '/api/..%2f..%2fetc%2fpasswd',
    ];
    for (const path of gets) {
      const res = await t.api.get(path, { token: adminToken });
      expectNo5xx(res, `GET ${path}`);
    }
  });

  test('nasty authorization headers', async () => {
    const headers = [
      'Bearer',
      'Bearer  ',
      'bearer x.y.z',
      'Bearer ' + 'a'.repeat(8000),
      'Bearer e30.e30.',
      'Token abc',
      '\u00ff',
    ];
    for (const authorization of headers) {
      let res: ApiResponse;
      try {
        res = await t.api.get('/api/me', { headers: { authorization } });
      } catch {
        continue; // the client itself refused the header: nothing reached the server
      }
      expectNo5xx(res, `GET /api/me authorization=${authorization.slice(0, 20)}`);
      expect(res.status).toBe(401);
    }
  });
});

// ---------------------------------------------------------------- OpenAPI

describe('OpenAPI document', () => {
  const { api } = createApp({ config: configFromEnv({}), log: createLogger('silent') });
  const declared = api.routes.map((r) => ({
    method: r.method,
    path: r.path.replace(/:([A-Za-z_]+)/g, '{$1}'),
  }));
  let doc: { openapi: string; paths: Record<string, Record<string, any>> };

  beforeAll(async () => {
    const res = await t.api.get('/api/openapi.json');
    expect(res.status).toBe(200);
    doc = res.body;
  });

  test('is an OpenAPI 3 document', () => {
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths).toEqual(expect.any(Object));
  });

  test('covers every declared route with its method, and nothing else', () => {
    expect(declared.length).toBeGreaterThan(10);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => ({ method, path })),
    );
    const key = (r: { method: string; path: string }) => `${r.method.toUpperCase()} ${r.path}`;
    expect(documented.map(key).sort()).toEqual(declared.map(key).sort());
  });

  test('includes the contract endpoints that exist so far', () => {
    const contract = [
      'GET /api/health',
      'GET /api/openapi.json',
      'POST /api/auth/login',
      'POST /api/auth/register',
      'POST /api/auth/wechat',
      'GET /api/me',
      'POST /api/users',
      'POST /api/communities',
      'POST /api/canteens',
      'GET /api/canteens',
      'POST /api/elders',
      'GET /api/elders',
      'GET /api/elders/{id}',
      'POST /api/elders/{id}/account',
      'POST /api/elders/{id}/invites',
      'POST /api/family/links',
      'GET /api/family/elders',
    ];
    for (const entry of contract) {
      const [method, path] = entry.split(' ');
      expect({ entry, op: doc.paths[path]?.[method.toLowerCase()] }).toEqual({
        entry,
        op: expect.any(Object),
      });
    }
  });

  test('every path parameter is declared as a required path parameter', () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        for (const name of names) {
          const p = (op.parameters ?? []).find(
            (x: { name: string; in: string }) => x.name === name && x.in === 'path',
          );
          expect({ where: `${method} ${path}`, name, required: p?.required }).toEqual({
            where: `${method} ${path}`,
            name,
            required: true,
          });
        }
      }
    }
  });

  test('the login operation documents a body with phone and password', () => {
    const schema = doc.paths['/api/auth/login'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(schema.properties).sort()).toEqual(['password', 'phone']);
    expect([...schema.required].sort()).toEqual(['password', 'phone']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.phone.pattern).toBeDefined();
  });

  test('the elder registration body documents its fields and the allowed groups', () => {
    const schema = doc.paths['/api/elders'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(schema.properties)).toEqual(
      expect.arrayContaining(['name', 'idCardNo', 'birthDate', 'communityId', 'groups']),
    );
    expect(schema.properties.groups.items.enum).toEqual([
      'dibao',
      'tekun',
      'jiandang',
      'youfu',
      'jisheng',
      'disabled',
    ]);
  });
});
