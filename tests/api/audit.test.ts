/**
 * The audit trail an auditor of subsidy money reads: every change a person makes to records and
 * money is there once — who, when, what, before and after —, ID numbers and phones only masked,
 * newest first, paged; a worker sees their own community's entries only; the CSV carries the same
 * rows; and no route can change or delete an entry.
 */
import { addDays, chinaDate } from '@yiyangtong/shared';
import { startTestServer, type TestServer } from '../harness/server';
import type { TestUser } from './fixtures';
import { ServiceFixtures } from './service-fixtures';

let t: TestServer;
let f: ServiceFixtures;
let admin: string;
let communityA: string;
let communityB: string;
let workerA: TestUser;
let workerB: TestUser;
let elderA: { id: string };
let elderB: { id: string };
const tomorrow = addDays(chinaDate(), 1);

beforeAll(async () => {
  t = await startTestServer();
  f = new ServiceFixtures(t);
  admin = await f.adminToken();
  communityA = (await f.community({ name: '审计甲社区' })).id;
  communityB = (await f.community({ name: '审计乙社区' })).id;
  workerA = await f.user('worker', { communityId: communityA, name: '甲助老员' });
  workerB = await f.user('worker', { communityId: communityB, name: '乙助老员' });
  elderA = await f.elder(workerA.token, communityA, { name: '甲长者' });
  elderB = await f.elder(workerB.token, communityB, { name: '乙长者' });
}, 120_000);
afterAll(() => t?.close());

const get = (query: string, token = admin) => t.api.get(`/api/audit?${query}`, { token });
const entriesOf = async (targetType: string, targetId: string, token = admin) =>
  (await get(`targetType=${targetType}&targetId=${targetId}`, token)).body.items;

async function cashTopup(worker: TestUser, elderId: string, amount: number, key: string) {
  const res = await t.api.post(
    `/api/elders/${elderId}/card/topups`,
    { amount, method: 'cash' },
    { token: worker.token, headers: { 'idempotency-key': key } },
  );
  expect(res.status).toBe(201);
  return res.body;
}

test('money: a cash top-up and its undo are each on the log once, with the balance before and after; a replay adds nothing', async () => {
  await cashTopup(workerA, elderA.id, 5000, 'audit-topup-1');
  await cashTopup(workerA, elderA.id, 5000, 'audit-topup-1').catch(() => undefined); // replayed: 200
  const replay = await t.api.post(
    `/api/elders/${elderA.id}/card/topups`,
    { amount: 5000, method: 'cash' },
    { token: workerA.token, headers: { 'idempotency-key': 'audit-topup-1' } },
  );
  expect(replay.status).toBe(200);
  const undo = await t.api.post(
    `/api/elders/${elderA.id}/card/entries/cash:${workerA.id}:audit-topup-1/reverse`,
    {},
    { token: workerA.token },
  );
  expect(undo.status).toBe(201);

  const entries = await entriesOf('meal_card', elderA.id);
  expect(entries.map((e: any) => e.action)).toEqual(['meal_card.topup_reversed', 'meal_card.topup']);
  expect(entries[1]).toMatchObject({
    actor: { userId: workerA.id, role: 'worker', name: '甲助老员' },
    targetType: 'meal_card',
    targetId: elderA.id,
    communityId: communityA,
    changes: [{ field: 'balance', before: 0, after: 5000 }],
  });
  expect(entries[0].changes).toEqual([{ field: 'balance', before: 5000, after: 0 }]);
  expect(Date.parse(entries[0].at)).toBeGreaterThanOrEqual(Date.parse(entries[1].at));
});

test('cancellations by a person: a meal and a visit', async () => {
  const canteen = await f.canteen(communityA, { slots: [{ slot: 'lunch', cutoff: '10:00' }] });
  const staff = await f.user('canteen_staff', { canteenId: canteen.id });
  const dish = await f.dish(staff.token, canteen.id, '审计红烧肉', 800);
  await f.putMenu(staff.token, canteen.id, tomorrow, 'lunch', [{ dishId: dish.id, quota: 10 }]);
  const order = await f.placed(workerA.token, {
    elderId: elderA.id,
    canteenId: canteen.id,
    date: tomorrow,
    slot: 'lunch',
    items: [{ dishId: dish.id, qty: 1 }],
  });
  expect((await t.api.post(`/api/meal-orders/${order.id}/cancel`, {}, { token: workerA.token })).status).toBe(
    200,
  );
  const [meal] = await entriesOf('meal_order', order.id);
  expect(meal).toMatchObject({
    action: 'meal_order.cancel',
    actor: { userId: workerA.id },
    communityId: communityA,
    changes: [{ field: 'status', after: 'cancelled' }],
  });

  const item = await f.item({ name: '审计助浴' });
  const visit = await f.visit(workerA.token, elderA.id, item.id, `${addDays(tomorrow, 1)}T02:00:00.000Z`);
  const cancel = await t.api.post(
    `/api/service-orders/${visit.id}/cancel`,
    { notes: '家属陪同去医院' },
    { token: workerA.token },
  );
  expect(cancel.status).toBe(200);
  const visitEntries = await entriesOf('service_order', visit.id);
  expect(visitEntries).toHaveLength(1);
  expect(visitEntries[0]).toMatchObject({
    action: 'service_order.cancel',
    reason: '家属陪同去医院',
    changes: [{ field: 'status', before: 'requested', after: 'cancelled' }],
  });
});

test('phones and ID numbers never appear plain, even inside free text', async () => {
  const phone = f.nextPhone();
  const created = await t.api.post(
    '/api/users',
    { phone, password: 'Passw0rd!x', name: '新来的员工', role: 'provider' },
    { token: admin },
  );
  expect(created.status).toBe(201);
  const idCardNo = f.nextIdCardNo();
  await t.api.patch(
    `/api/users/${created.body.id}`,
    { name: '新来的员工二', reason: `核对身份证 ${idCardNo} 和电话 ${phone} 后改名` },
    { token: admin },
  );
  const entries = await entriesOf('user', created.body.id);
  expect(entries.map((e: any) => e.action)).toEqual(['user.update', 'user.create']);
  const text = JSON.stringify(entries);
  expect(text).not.toContain(phone);
  expect(text).not.toContain(idCardNo);
  expect(entries[1].changes).toContainEqual({
    field: 'phone',
    after: `${phone.slice(0, 3)}****${phone.slice(-4)}`,
  });
  expect(entries[0].reason).toContain(`${idCardNo.slice(0, 4)}`);
  const csv = await t.api.get(`/api/audit.csv?targetType=user&targetId=${created.body.id}`, { token: admin });
  expect(csv.body).not.toContain(phone);
  expect(csv.body).not.toContain(idCardNo);
});

test("a worker sees their own community's entries only; an admin sees everything, and filters by person", async () => {
  await cashTopup(workerB, elderB.id, 2000, 'audit-topup-b');
  const mineA = (await get('', workerA.token)).body.items;
  expect(mineA.length).toBeGreaterThan(0);
  expect(mineA.every((e: any) => e.communityId === communityA)).toBe(true);
  expect(await entriesOf('meal_card', elderB.id, workerA.token)).toEqual([]);
  // An admin asking for community A gets the same; a worker asking for B still gets only A.
  const forB = (await get(`communityId=${communityB}`, workerA.token)).body.items;
  expect(forB.every((e: any) => e.communityId === communityA)).toBe(true);
  const all = (await get('')).body.items;
  expect(all.some((e: any) => e.communityId === communityB)).toBe(true);
  expect(all.some((e: any) => e.communityId === communityA)).toBe(true);
  const byB = (await get(`actorId=${workerB.id}`)).body.items;
  expect(byB.map((e: any) => e.action)).toEqual(['meal_card.topup']);
  expect(byB.every((e: any) => e.actor.userId === workerB.id)).toBe(true);
  // Other roles read no audit.
  const family = await f.family();
  expect((await get('', family.token)).status).toBe(403);
});

test('newest first, 50 a page: the pages together hold every entry once, in order', async () => {
  const staff = await f.user('provider', { name: '改名员工' });
  for (let i = 1; i <= 57; i++)
    expect(
      (await t.api.patch(`/api/users/${staff.id}`, { name: `改名员工${i}` }, { token: admin })).status,
    ).toBe(200);
  for (const query of [
    `targetType=user&targetId=${staff.id}`,
    `actorId=${(await t.api.get('/api/me', { token: admin })).body.id}`,
    '',
  ]) {
    const first = await get(query);
    expect(first.body.items).toHaveLength(50);
    expect(first.body.nextBefore).toBe(first.body.items[49].id);
    const second = await get(`${query}&before=${first.body.nextBefore}`);
    const items = [...first.body.items, ...second.body.items];
    expect(new Set(items.map((e: any) => e.id)).size).toBe(items.length);
    const times = items.map((e: any) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const renames = items.filter((e: any) => e.targetId === staff.id && e.action === 'user.update');
    expect(renames).toHaveLength(57);
    expect(renames[0].changes[0].after).toBe('改名员工57');
    if (query.startsWith('targetType')) expect(second.body.nextBefore).toBeUndefined();
  }
});

test('the CSV: Excel-ready (BOM, Chinese headers), an attachment, the same rows as the list', async () => {
  const res = await fetch(`${t.baseUrl}/api/audit.csv?targetType=meal_card&targetId=${elderA.id}`, {
    headers: { authorization: `Bearer ${admin}` },
  });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
  expect(res.headers.get('content-disposition')).toMatch(/^attachment; .*filename\*=UTF-8''/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = new TextDecoder()
    .decode(bytes)
    .replace(/^\ufeff/, '')
    .trim()
    .split(/\r?\n/);
  expect(lines[0]).toBe('时间,操作人,角色,操作,对象类型,对象编号,变更,原因');
  expect(lines.slice(1).map((l) => l.split(',')[3])).toEqual(['撤销现金充值', '现金充值']);
  expect(lines[2]).toContain('甲助老员,社区助老员,现金充值,助餐卡');
  expect(lines[2]).toContain('balance: 0 → 5000');
});

test('bad filters are 400 naming the parameter; no route changes or deletes an entry', async () => {
  const today = chinaDate();
  for (const [query, field] of [
    [`from=${today}&to=${addDays(today, -1)}`, 'query.from'],
    [`from=${addDays(today, -40)}&to=${today}`, 'query.from'],
    [`actorId=${workerA.id}&from=${addDays(today, -400)}`, 'query.from'],
    [`targetId=${elderA.id}`, 'query.targetType'],
    ['targetType=planet', 'query.targetType'],
    ['before=xyz', 'query.before'],
  ]) {
    const res = await get(query);
    expect({ query, status: res.status }).toEqual({ query, status: 400 });
    expect(Object.keys(res.body.error.fields)).toContain(field);
  }
  const [entry] = await entriesOf('meal_card', elderA.id);
  for (const method of ['PUT', 'PATCH', 'DELETE', 'POST']) {
    for (const path of ['/api/audit', `/api/audit/${entry.id}`]) {
      const res = await t.api.call(method, path, {}, { token: admin });
      expect({ method, path, status: res.status }).toEqual({
        method,
        path,
        status: path === '/api/audit' ? 405 : 404,
      });
    }
  }
  const doc = (await t.api.get('/api/openapi.json')).body;
  const auditOps = Object.entries<Record<string, unknown>>(doc.paths)
    .filter(([p]) => p.startsWith('/api/audit'))
    .flatMap(([, ops]) => Object.keys(ops));
  expect(new Set(auditOps)).toEqual(new Set(['get']));
  expect((await entriesOf('meal_card', elderA.id))[0]).toEqual(entry);
});
