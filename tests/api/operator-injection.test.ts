/**
 * Operator injection, for every route the OpenAPI document lists (so new routes are covered
 * without touching this file): each body field, query parameter and path parameter gets
 * MongoDB operators (`{"$gt":""}`, `{"$ne":null}`, `$where`), keys with `$` or `.` and
 * qs-style `field[$ne]=` → 400 VALIDATION_FAILED naming the field, never 5xx, nothing stored.
 */
import mongoose from 'mongoose';
import type { Role } from '@yiyangtong/shared';
import { startTestServer, type TestServer } from '../harness/server';
import { Fixtures, UNKNOWN_ID } from './fixtures';

interface Operation {
  method: string;
  path: string;
  roles?: Role[];
  public: boolean;
  parameters: { name: string; in: string; schema: Schema; required?: boolean }[];
  body?: Schema;
}
interface Schema {
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  [k: string]: unknown;
}

/** Values a database driver could read as a query operator, and keys it could read as paths. */
const PAYLOADS: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000) || true' },
  { $regex: '.*' },
  { 'a.b': 1 },
  { nested: { $in: [1] } },
  [{ $ne: null }],
];
const QUERY_PAYLOADS = ['[$ne]=', '[$gt]=', '.$where=1'];

let t: TestServer;
let f: Fixtures;
let operations: Operation[];
const tokens = new Map<Role, string>();

async function storedDocuments(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const c of await mongoose.connection.db!.collections())
    counts[c.collectionName] = await c.countDocuments();
  return counts;
}

beforeAll(async () => {
  t = await startTestServer();
  f = new Fixtures(t);
  const community = await f.community();
  const canteen = await f.canteen(community.id);
  tokens.set('admin', await f.adminToken());
  tokens.set('worker', (await f.user('worker', { communityId: community.id })).token);
  tokens.set('canteen_staff', (await f.user('canteen_staff', { canteenId: canteen.id })).token);
  tokens.set('provider', (await f.user('provider')).token);
  tokens.set('family', (await f.family()).token);
  const elder = await f.elder(await f.adminToken(), community.id);
  tokens.set('elder', (await f.elderAccount(await f.adminToken(), elder.id)).token);

  const doc = (await t.api.get('/api/openapi.json')).body;
  operations = [];
  for (const [path, ops] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(ops)) {
      operations.push({
        method: method.toUpperCase(),
        path,
        roles: op['x-roles'],
        public: Array.isArray(op.security) && op.security.length === 0,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
});
afterAll(() => t?.close());

/** A token of a role the operation lets in (admin for any signed-in route), so validation is reached. */
function tokenFor(op: Operation): string | undefined {
  if (op.public) return undefined;
  return tokens.get(op.roles?.includes('admin') || !op.roles ? 'admin' : op.roles[0]);
}

/** A well-formed value for a path parameter, so the request reaches the body and query. */
function pathValue(schema: Schema): string {
  if (schema.enum) return String(schema.enum[0]);
  if (schema.format === 'date') return '2030-01-15';
  return UNKNOWN_ID;
}

function urlOf(op: Operation, overrides: Record<string, string> = {}): string {
  return op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    if (name in overrides) return overrides[name];
    const p = op.parameters.find((x) => x.in === 'path' && x.name === name)!;
    return encodeURIComponent(pathValue(p.schema));
  });
}

/** Query parameters, the exploded-object ones (lng/lat/radius) unfolded. */
function queryNames(op: Operation): string[] {
  return op.parameters
    .filter((p) => p.in === 'query')
    .flatMap((p) => (p.schema.type === 'object' ? Object.keys(p.schema.properties ?? {}) : [p.name]));
}

function send(op: Operation, url: string, body?: unknown) {
  return t.api.call(op.method, url, body, {
    token: tokenFor(op),
    headers: { 'idempotency-key': `inject-${Math.random()}` },
  });
}

function expectRefusedNaming(res: { status: number; body: any }, field: string, what: string): void {
  if (res.status !== 400 || res.body?.error?.code !== 'VALIDATION_FAILED') {
    throw new Error(`${what}: expected 400 VALIDATION_FAILED, got ${res.status} ${JSON.stringify(res.body)}`);
  }
  const named = Object.keys(res.body.error.fields ?? {});
  // `items.0.$ne`, `query.elderId[$ne]`: the field itself or a key below it.
  if (!named.some((k) => k.startsWith(field))) {
    throw new Error(`${what}: the refusal does not name ${field}: ${JSON.stringify(named)}`);
  }
}

test('the document lists the routes (the sweep below is not empty)', () => {
  expect(operations.length).toBeGreaterThan(40);
  expect(operations.filter((o) => o.body).length).toBeGreaterThan(20);
});

test('every body field of every route: operators and $/. keys → 400 naming the field; nothing stored', async () => {
  const before = await storedDocuments();
  let cases = 0;
  for (const op of operations.filter((o) => o.body)) {
    const fields = Object.keys(op.body!.properties ?? {});
    for (const field of fields) {
      for (const payload of PAYLOADS) {
        const res = await send(op, urlOf(op), { [field]: payload });
        expectRefusedNaming(res, field, `${op.method} ${op.path} body.${field}=${JSON.stringify(payload)}`);
        cases++;
      }
    }
    // A top-level key that is itself an operator, next to nothing else.
    for (const key of ['$where', '$set', 'profile.role']) {
      const res = await send(op, urlOf(op), { [key]: { role: 'admin' } });
      expectRefusedNaming(res, key, `${op.method} ${op.path} body key ${key}`);
      cases++;
    }
  }
  expect(cases).toBeGreaterThan(500);
  expect(await storedDocuments()).toEqual(before);
});

test('every query parameter: qs-style operators and JSON operators → 400, never 5xx; nothing stored', async () => {
  const before = await storedDocuments();
  let cases = 0;
  for (const op of operations) {
    for (const name of queryNames(op)) {
      for (const suffix of QUERY_PAYLOADS) {
        const res = await send(op, `${urlOf(op)}?${name}${suffix}`);
        expectRefusedNaming(res, `query.${name}`, `${op.method} ${op.path}?${name}${suffix}`);
        cases++;
      }
      // A JSON operator as the value is only text: refused where the field has a format, never 5xx.
      const res = await send(op, `${urlOf(op)}?${name}=${encodeURIComponent('{"$ne":null}')}`);
      expect(res.status).toBeLessThan(500);
      if (res.status === 200) expect(JSON.stringify(res.body)).not.toContain('$ne');
      cases++;
    }
  }
  expect(cases).toBeGreaterThan(40);
  expect(await storedDocuments()).toEqual(before);
});

test('every path parameter: an operator in its place → 400 naming it, never 5xx', async () => {
  for (const op of operations) {
    for (const p of op.parameters.filter((x) => x.in === 'path')) {
      for (const payload of ['{"$ne":null}', '[$gt]', '$where']) {
        const res = await send(
          op,
          urlOf(op, { [p.name]: encodeURIComponent(payload) }),
          op.body ? {} : undefined,
        );
        expectRefusedNaming(res, `params.${p.name}`, `${op.method} ${op.path} ${p.name}=${payload}`);
      }
    }
  }
});

test('logins with operators instead of a phone or password do not log in', async () => {
  for (const body of [
    { phone: { $ne: null }, password: { $ne: null } },
    { phone: { $gt: '' }, password: t.admin.password },
    { phone: t.admin.phone, password: { $ne: 'x' } },
    { phone: t.admin.phone, password: t.admin.password, $where: '1' },
  ]) {
    const res = await t.api.post('/api/auth/login', body);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.token).toBeUndefined();
  }
});
