/**
 * The document says what we enforce, and we accept what it allows: real calendar dates
 * (format: date), parameters that go together (dependentRequired), required headers, the
 * statuses each route gives with the error schema, and the rules no schema can express.
 * (Schemathesis checks the same from outside; these are the cases a person would name.)
 */
import { startTestServer, type TestServer } from '../harness/server';
import { Fixtures } from './fixtures';

let t: TestServer;
let f: Fixtures;
let doc: any;
let canteenId: string;

beforeAll(async () => {
  t = await startTestServer();
  f = new Fixtures(t);
  doc = (await t.api.get('/api/openapi.json')).body;
  canteenId = (await f.canteen((await f.community()).id)).id;
});
afterAll(() => t?.close());

function schemasNamed(node: unknown, name: string, found: any[] = []): any[] {
  if (Array.isArray(node)) node.forEach((n) => schemasNamed(n, name, found));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === name && v && typeof v === 'object') found.push(v);
      schemasNamed(v, name, found);
    }
  }
  return found;
}

test('dates are published as format: date and only real calendar dates are refused', async () => {
  const dateFields = [
    ...schemasNamed(doc.paths, 'date'),
    ...schemasNamed(doc.paths, 'birthDate'),
    ...schemasNamed(doc.paths, 'validFrom'),
  ].map((s) => s.schema ?? s);
  expect(dateFields.length).toBeGreaterThan(5);
  for (const s of dateFields) expect(s).toMatchObject({ type: 'string', format: 'date' });

  const menu = (date: string) => t.api.get(`/api/canteens/${canteenId}/menus/${date}`);
  expect((await menu('2024-02-29')).status).toBe(200); // a leap day
  expect((await menu('0001-01-01')).status).toBe(200); // odd, but a date: the schema allows it
  for (const bad of ['2023-02-29', '2024-13-01', '0000-00-00', '2024-1-1']) {
    const res = await menu(bad);
    expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
    expect(Object.keys(res.body.error.fields)).toContain('params.date');
  }
});

test('lng, lat and radius go together: published as dependentRequired, enforced the same way', async () => {
  const op = doc.paths['/api/canteens'].get;
  const near = op.parameters.find((p: any) => p.schema?.dependentRequired);
  expect(near).toMatchObject({
    in: 'query',
    style: 'form',
    explode: true,
    schema: { dependentRequired: { lng: ['lat'], lat: ['lng'], radius: ['lng', 'lat'] } },
  });
  expect((await t.api.get('/api/canteens?lng=102.7&lat=25.0&radius=5000')).status).toBe(200);
  expect((await t.api.get('/api/canteens')).status).toBe(200);
  for (const [query, missing] of [
    ['lat=25', 'query.lng'],
    ['lng=102.7', 'query.lat'],
    ['radius=500', 'query.lng'],
  ]) {
    const res = await t.api.get(`/api/canteens?${query}`);
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toContain(missing);
  }
});

test('Idempotency-Key is a required header where it is needed, and its absence is a 400', async () => {
  for (const path of ['/api/meal-orders', '/api/meal-orders/batch']) {
    const header = doc.paths[path].post.parameters.find((p: any) => p.in === 'header');
    expect(header).toMatchObject({ name: 'idempotency-key', required: true });
  }
  const res = await t.api.post('/api/meal-orders', {}, { token: await f.adminToken() });
  expect(res.status).toBe(400);
  expect(Object.keys(res.body.error.fields)).toContain('headers.idempotency-key');
});

test('every operation lists its statuses with the error schema; guarded ones 401/403, login 429 with Retry-After', () => {
  for (const [path, ops] of Object.entries<any>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      const what = `${method} ${path}`;
      expect({ what, has400: '400' in op.responses }).toEqual({ what, has400: true });
      expect(op.responses['4XX']).toBeUndefined();
      const isPublic = Array.isArray(op.security) && op.security.length === 0;
      if (!isPublic)
        expect({ what, codes: ['401', '403'].every((c) => c in op.responses) }).toEqual({
          what,
          codes: true,
        });
      if (path.includes('{id}'))
        expect({ what, has404: '404' in op.responses }).toEqual({ what, has404: true });
      for (const [code, r] of Object.entries<any>(op.responses)) {
        if (Number(code) < 400) continue;
        const schema = r.content['application/json'].schema;
        // WeChat Pay's callback answers in WeChat's format, with the contract's error inside it.
        if (path === '/api/payments/wechat/notify')
          expect(schema.properties.error.required).toEqual(['code', 'message']);
        else expect(schema).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  }
  expect(doc.paths['/api/auth/login'].post.responses['429'].headers['Retry-After']).toMatchObject({
    required: true,
  });
  expect(doc.paths['/api/meal-orders'].post.responses).toHaveProperty('409');
});

test('rules beyond the schema are published, and a refusal under one names its field', async () => {
  const elders = doc.paths['/api/elders'].post;
  expect(Object.keys(elders['x-validation-rules'])).toEqual(
    expect.arrayContaining(['idCardNo', 'birthDate', 'communityId']),
  );
  expect(elders.description).toContain('idCardNo');
  const body = { ...f.elderBody((await f.community()).id), birthDate: '1950-01-01' }; // the ID number says 1948-03-15
  const res = await t.api.post('/api/elders', body, { token: await f.adminToken() });
  expect(res.status).toBe(400);
  expect(Object.keys(res.body.error.fields)).toEqual(['birthDate']);
});

test('text limits count characters, not UTF-16 units, and blank text is refused as the pattern says', async () => {
  const token = await f.adminToken();
  const name = (n: string) =>
    t.api.post(
      '/api/communities',
      { name: n, district: '官渡区', location: { lng: 102.7, lat: 25 } },
      { token },
    );
  expect((await name('😀'.repeat(40))).status).toBe(201); // 40 characters, 80 UTF-16 units
  expect((await name('😀'.repeat(41))).status).toBe(400);
  expect((await name(' \u3000 ')).status).toBe(400);
  expect((await name('名\u0000字')).status).toBe(400); // PostgreSQL cannot store NUL
  const nameSchema =
    doc.paths['/api/communities'].post.requestBody.content['application/json'].schema.properties.name;
  expect(nameSchema).toMatchObject({ minLength: 1, maxLength: 40, pattern: expect.any(String) });
  expect(new RegExp(nameSchema.pattern).test(' \u3000 ')).toBe(false);
  expect(new RegExp(nameSchema.pattern).test(' 名 ')).toBe(true);
});
