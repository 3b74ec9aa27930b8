/**
 * The district office runs its staff accounts: finds them (phones masked), disables a worker who
 * left — whose token stops working on the very next call and who can no longer sign in —, moves a
 * worker to another community (the old token, carrying the old community, goes), resets a
 * password; each change is on the audit log once, with phones never plain.
 */
import { startTestServer, type TestServer } from '../harness/server';
import { Fixtures, type TestUser } from './fixtures';

let t: TestServer;
let f: Fixtures;
let admin: string;
let communityA: string;
let communityB: string;
let worker: TestUser;

beforeAll(async () => {
  t = await startTestServer();
  f = new Fixtures(t);
  admin = await f.adminToken();
  communityA = (await f.community({ name: '东风社区' })).id;
  communityB = (await f.community({ name: '西山社区' })).id;
  worker = await f.user('worker', { communityId: communityA, name: '王助老' });
}, 120_000);
afterAll(() => t?.close());

const audit = async (targetId: string) =>
  (await t.api.get(`/api/audit?targetType=user&targetId=${targetId}`, { token: admin })).body.items;

test('admin finds accounts by role and by name or phone digits; phones are masked', async () => {
  const byRole = await t.api.get('/api/users?role=worker', { token: admin });
  expect(byRole.status).toBe(200);
  const me = byRole.body.items.find((u: any) => u.id === worker.id);
  expect(me).toMatchObject({ name: '王助老', role: 'worker', disabled: false, communityId: communityA });
  expect(me.phone).not.toBe(worker.phone);
  expect(me.phone).toBe(`${worker.phone.slice(0, 3)}****${worker.phone.slice(-4)}`);
  expect(byRole.body.items.every((u: any) => u.role === 'worker')).toBe(true);

  const byName = await t.api.get(`/api/users?q=${encodeURIComponent('王助')}`, { token: admin });
  expect(byName.body.items.map((u: any) => u.id)).toEqual([worker.id]);
  const byDigits = await t.api.get(`/api/users?q=${worker.phone.slice(-4)}`, { token: admin });
  expect(byDigits.body.items.map((u: any) => u.id)).toContain(worker.id);

  const asWorker = await t.api.get('/api/users', { token: worker.token });
  expect(asWorker.status).toBe(403);
});

test("a disabled worker's token is refused on the next call (401) and their login too; re-enabled they sign in again", async () => {
  const leaver = await f.user('worker', { communityId: communityA, name: '离职助老员' });
  expect((await t.api.get('/api/elders', { token: leaver.token })).status).toBe(200);

  const off = await t.api.patch(
    `/api/users/${leaver.id}`,
    { disabled: true, reason: '已离职' },
    { token: admin },
  );
  expect(off.status).toBe(200);
  expect(off.body.disabled).toBe(true);

  const next = await t.api.get('/api/elders', { token: leaver.token });
  expect(next.status).toBe(401);
  expect(next.body.error.code).toBe('ACCOUNT_DISABLED');
  const login = await t.api.post('/api/auth/login', { phone: leaver.phone, password: leaver.password });
  expect(login.status).toBe(403);
  expect(login.body.error.code).toBe('ACCOUNT_DISABLED');
  expect(login.body.token).toBeUndefined();

  const on = await t.api.patch(`/api/users/${leaver.id}`, { disabled: false }, { token: admin });
  expect(on.body.disabled).toBe(false);
  // The old token stays gone (it was revoked with the disable); a new login works.
  expect((await t.api.get('/api/elders', { token: leaver.token })).status).toBe(401);
  const again = await t.api.login(leaver.phone, leaver.password);
  expect((await t.api.get('/api/elders', { token: again })).status).toBe(200);

  const entries = await audit(leaver.id);
  expect(entries.map((e: any) => e.action)).toEqual(['user.enable', 'user.disable', 'user.create']);
  expect(entries[1]).toMatchObject({
    targetType: 'user',
    targetId: leaver.id,
    actor: { role: 'admin' },
    reason: '已离职',
    changes: [{ field: 'disabled', after: true }],
  });
  expect(JSON.stringify(entries)).not.toContain(leaver.phone);
});

test("moving a worker to another community: the old token (old community) is refused, the new login sees the new community's elders only", async () => {
  const mover = await f.user('worker', { communityId: communityA, name: '调动助老员' });
  const elderA = await f.elder(mover.token, communityA, { name: '东风长者' });
  const moved = await t.api.patch(`/api/users/${mover.id}`, { communityId: communityB }, { token: admin });
  expect(moved.status).toBe(200);
  expect(moved.body.communityId).toBe(communityB);
  const old = await t.api.get(`/api/elders/${elderA.id}`, { token: mover.token });
  expect(old.status).toBe(401);
  expect(old.body.error.code).toBe('SESSION_REVOKED');
  const fresh = await t.api.login(mover.phone, mover.password);
  expect((await t.api.get(`/api/elders/${elderA.id}`, { token: fresh })).status).toBe(404);

  const [entry] = await audit(mover.id);
  expect(entry).toMatchObject({
    action: 'user.update',
    changes: [{ field: 'communityId', before: communityA, after: communityB }],
  });
});

test('a password reset: the old password and token stop working, the new one signs in; audited without the password', async () => {
  const forgetful = await f.user('canteen_staff', {
    canteenId: (await f.canteen(communityA)).id,
    name: '忘密码的员工',
  });
  const reset = await t.api.post(
    `/api/users/${forgetful.id}/password`,
    { password: '新密码123456' },
    { token: admin },
  );
  expect(reset.status).toBe(200);
  expect(
    (await t.api.post('/api/auth/login', { phone: forgetful.phone, password: forgetful.password })).status,
  ).toBe(401);
  expect((await t.api.get('/api/me', { token: forgetful.token })).status).toBe(401);
  const token = await t.api.login(forgetful.phone, '新密码123456');
  expect((await t.api.get('/api/me', { token })).body.name).toBe('忘密码的员工');
  const [entry] = await audit(forgetful.id);
  expect(entry.action).toBe('user.password_reset');
  expect(JSON.stringify(entry)).not.toContain('新密码');
});

test('bad changes are refused with the field named, and nothing changes', async () => {
  const cases: [string, unknown, number, string?][] = [
    [worker.id, { canteenId: communityA }, 400, 'canteenId'],
    [worker.id, { communityId: '0'.repeat(24) }, 400, 'communityId'],
    [worker.id, { role: 'admin' }, 400, 'role'],
    ['0'.repeat(24), { name: '谁' }, 404],
  ];
  for (const [id, body, status, field] of cases) {
    const res = await t.api.patch(`/api/users/${id}`, body, { token: admin });
    expect({ body, status: res.status }).toEqual({ body, status });
    if (field) expect(Object.keys(res.body.error.fields ?? {})).toContain(field);
  }
  // Nothing to change: answered as it is, and nothing written to the log.
  const logged = (await audit(worker.id)).length;
  const noop = await t.api.patch(`/api/users/${worker.id}`, { name: '王助老' }, { token: admin });
  expect(noop.status).toBe(200);
  expect((await t.api.patch(`/api/users/${worker.id}`, {}, { token: admin })).status).toBe(200);
  // "Enable" an account that is enabled: no change, and its sessions go on.
  expect((await t.api.patch(`/api/users/${worker.id}`, { disabled: false }, { token: admin })).status).toBe(
    200,
  );
  expect((await t.api.get('/api/elders', { token: worker.token })).status).toBe(200);
  expect(await audit(worker.id)).toHaveLength(logged);
  const me = (await t.api.get('/api/me', { token: admin })).body;
  const self = await t.api.patch(`/api/users/${me.id}`, { disabled: true }, { token: admin });
  expect(self.status).toBe(409);
  const selfReset = await t.api.post(
    `/api/users/${me.id}/password`,
    { password: 'whatever1' },
    { token: admin },
  );
  expect(selfReset.status).toBe(409);
  expect((await t.api.get('/api/me', { token: admin })).status).toBe(200);
  const still = (await t.api.get('/api/users?role=worker', { token: admin })).body.items.find(
    (u: any) => u.id === worker.id,
  );
  expect(still).toMatchObject({ name: '王助老', communityId: communityA, disabled: false });
});
