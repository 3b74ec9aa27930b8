/**
 * Monthly service packages (套餐): the admin defines them; family buy one for the elder for
 * this month or next, priced by the same engine as a single visit (subsidies apply) and paid
 * from the meal card or at the counter; each visit booked 用套餐 draws one, the last one can
 * be drawn exactly once however many attempts race for it (also across two BFF processes),
 * cancelling gives it back, and unused visits lapse at the month's end.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { chinaMonth, computeServicePricing, type DiscountRule } from '@yiyangtong/shared';
import { recoverOnce } from '../../bff/src/core/recovery';
import { ElderPackage } from '../../bff/src/packages/model';
import { ServiceOrder } from '../../bff/src/services/model';
import type { ApiClient } from '../harness/client';
import { startChildBff } from '../harness/child-bff';
import { startTestServer, workerConnection, type TestServer } from '../harness/server';
import { BASE, type TestUser } from './fixtures';
import { ServiceFixtures } from './service-fixtures';

let now = new Date('2026-12-01T01:00:00Z'); // 09:00 China time, 1 December
let t: TestServer;
let f: ServiceFixtures;
let admin: string;
let community: { id: string; district: string };
let worker: TestUser;
let provider: TestUser;
let daughter: TestUser;
let elder: { id: string; sent: Record<string, any> };
let bath: any;
let cleaning: any;
let pkg: any;
let rules: DiscountRule[];

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  f = new ServiceFixtures(t);
  admin = await f.adminToken();
  community = await f.community({ name: '关上社区' });
  worker = await f.user('worker', { communityId: community.id, name: '王助老员' });
  provider = await f.user('provider', { name: '刘护理员', providerId: 'org-a' });
  elder = await f.elder(worker.token, community.id, {
    name: '李秀兰',
    birthDate: '1940-05-01',
    gender: 'female',
    groups: ['dibao'],
    location: BASE,
  });
  daughter = await f.family('李女士');
  await f.link(worker.token, elder.id, daughter);
  bath = await f.item();
  cleaning = await f.item({
    category: 'clean',
    name: '居家保洁',
    price: 3000,
    unit: 'hour',
    durationMin: 120,
  });
  // A subsidy by age and a stackable group allowance: both must price the package too.
  const age = await f.rule({
    name: '80岁以上助浴补贴',
    minAge: 80,
    appliesTo: 'service',
    serviceCategories: ['bath'],
    benefit: { type: 'percent_off', value: 20 },
    fundedBy: 'government',
    validFrom: '2026-01-01',
  });
  const dibao = await f.rule({
    name: '低保上门服务补贴',
    groups: ['dibao'],
    appliesTo: 'service',
    benefit: { type: 'amount_off', value: 1000 },
    fundedBy: 'government',
    stackable: true,
    validFrom: '2026-01-01',
  });
  rules = [age, dibao];
});
afterAll(() => t?.close());

const packagesOf = async (elderId: string, token = daughter.token) => {
  const res = await t.api.get(`/api/elders/${elderId}/packages`, { token });
  expect(res.status).toBe(200);
  return res.body;
};
const buy = (elderId: string, body: Record<string, unknown>, key = randomUUID(), token = daughter.token) =>
  t.api.post(`/api/elders/${elderId}/packages`, body, { token, headers: { 'idempotency-key': key } });
const card = async (elderId: string) =>
  (await t.api.get(`/api/elders/${elderId}/card`, { token: worker.token })).body;
const topup = (elderId: string, amount: number) =>
  t.api.post(
    `/api/elders/${elderId}/card/topups`,
    { amount, method: 'cash' },
    { token: worker.token, headers: { 'idempotency-key': randomUUID() } },
  );
const book = (elderId: string, itemId: string, scheduledAt: string, extra: Record<string, unknown> = {}) =>
  t.api.post('/api/service-orders', { elderId, itemId, scheduledAt, ...extra }, { token: daughter.token });
const remainingOf = async (elderId: string, month = '2026-12', id = pkg.id) =>
  (await packagesOf(elderId)).items.find((i: any) => i.packageId === id && i.month === month)?.remaining;
/** What the shared engine says the package costs this elder on `date`. */
const enginePrice = (price: number, date: string, birthDate = '1940-05-01', groups = ['dibao']) =>
  computeServicePricing({
    elder: { birthDate, groups: groups as any, careLevel: null },
    district: community.district,
    date,
    category: 'bath',
    items: [{ dishId: pkg.id, name: pkg.name, price, qty: 1 }],
    rules,
  });

test('only admin defines packages; bad input is a 400 naming the field; everyone signed in sees them', async () => {
  const body = { itemId: bath.id, name: '助浴月卡', visitsPerMonth: 4, price: 20000 };
  expect((await t.api.post('/api/service-packages', body, { token: worker.token })).status).toBe(403);
  const bad = await t.api.post(
    '/api/service-packages',
    { ...body, visitsPerMonth: 0, price: 1.5 },
    { token: admin },
  );
  expect(bad.status).toBe(400);
  expect(Object.keys(bad.body.error.fields)).toEqual(expect.arrayContaining(['visitsPerMonth', 'price']));
  const unknownItem = await t.api.post(
    '/api/service-packages',
    { ...body, itemId: 'a'.repeat(24) },
    { token: admin },
  );
  expect(unknownItem.status).toBe(404);
  const res = await t.api.post('/api/service-packages', body, { token: admin });
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ ...body, itemName: '上门助浴', active: true });
  pkg = res.body;
  const list = await t.api.get('/api/service-packages', { token: daughter.token });
  expect(list.body.items).toEqual([pkg]);
  const audit = await t.api.get(`/api/audit?targetType=service_package&targetId=${pkg.id}`, { token: admin });
  expect(audit.body.items.map((e: any) => e.action)).toEqual(['service_package.create']);
});

test('buying by card: priced by the visit engine (subsidies apply), the card debited once, the ledger sums', async () => {
  await topup(elder.id, 30000);
  const offers = (await packagesOf(elder.id)).offers;
  const offer = offers.find((o: any) => o.packageId === pkg.id && o.month === '2026-12');
  const expected = enginePrice(20000, '2026-12-01');
  expect(expected.discounts.length).toBe(2); // both subsidies really apply
  expect(offer.pricing).toEqual(expected);

  const key = randomUUID();
  const res = await buy(elder.id, { packageId: pkg.id, month: '2026-12', payment: 'card' }, key);
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({
    id: `${elder.id}:${pkg.id}:2026-12`,
    packageId: pkg.id,
    name: '助浴月卡',
    itemId: bath.id,
    month: '2026-12',
    visitsPerMonth: 4,
    remaining: 4,
    payment: { method: 'card', amount: expected.payable, status: 'paid' },
  });
  expect(res.body.pricing).toEqual(expected);

  const after = await card(elder.id);
  expect(after.balance).toBe(30000 - expected.payable);
  expect(after.entries.reduce((s: number, e: any) => s + e.amount, 0)).toBe(after.balance);
  expect(after.entries.filter((e: any) => e.kind === 'payment')).toEqual([
    expect.objectContaining({ amount: -expected.payable, orderId: res.body.id }),
  ]);

  // The same request again (a double tap, a retry): the same package, no second payment.
  const again = await buy(elder.id, { packageId: pkg.id, month: '2026-12', payment: 'card' }, key);
  expect(again.status).toBe(200);
  expect(again.body).toEqual(res.body);
  expect((await card(elder.id)).balance).toBe(after.balance);
  // Another attempt for the same month: one package of a kind per month.
  const twice = await buy(elder.id, { packageId: pkg.id, month: '2026-12', payment: 'card' });
  expect(twice.status).toBe(409);
  expect(twice.body.error.code).toBe('PACKAGE_ALREADY_BOUGHT');
  expect((await card(elder.id)).balance).toBe(after.balance);

  const audit = await t.api.get(`/api/audit?targetType=elder_package&targetId=${res.body.id}`, {
    token: admin,
  });
  expect(audit.body.items).toEqual([expect.objectContaining({ action: 'elder_package.buy' })]);
  expect(audit.body.items[0].actor.userId ?? audit.body.items[0].actorId).toBe(daughter.id);
});

test('only this month or next; not enough on the card → 409 and nothing bought; the counter records it owed', async () => {
  const poor = await f.elder(worker.token, community.id, { birthDate: '1950-03-01', groups: [] });
  await f.link(worker.token, poor.id, daughter);
  for (const month of ['2026-11', '2027-02', '2028-12']) {
    const res = await buy(poor.id, { packageId: pkg.id, month, payment: 'counter' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty('month');
  }
  const broke = await buy(poor.id, { packageId: pkg.id, month: '2027-01', payment: 'card' });
  expect(broke.status).toBe(409);
  expect(broke.body.error.code).toBe('INSUFFICIENT_BALANCE');
  expect(broke.body.error.message).toContain('余额不足');
  expect((await packagesOf(poor.id)).items).toEqual([]);
  expect((await card(poor.id)).balance ?? 0).toBe(0);

  const counter = await buy(poor.id, { packageId: pkg.id, month: '2027-01', payment: 'counter' });
  expect(counter.status).toBe(201);
  // Next month is priced on its 1st; this elder gets no subsidy.
  const expected = enginePrice(20000, '2027-01-01', '1950-03-01', []);
  expect(counter.body.pricing).toEqual(expected);
  expect(counter.body.payment).toEqual({ method: 'counter', amount: 20000, status: 'unpaid' });
  // The community's worker takes the money at the counter and records it, once; a family member cannot.
  const collect = (token: string) =>
    t.api.post(`/api/elders/${poor.id}/packages/collect`, { packageId: pkg.id, month: '2027-01' }, { token });
  expect((await collect(daughter.token)).status).toBe(403);
  const collected = await collect(worker.token);
  expect(collected.status).toBe(200);
  expect(collected.body.payment).toEqual({
    method: 'counter',
    amount: 20000,
    status: 'paid',
    collectedBy: { userId: worker.id, role: 'worker', name: '王助老员' },
  });
  expect((await collect(worker.token)).body.error.code).toBe('ALREADY_PAID');
  const log = await t.api.get(`/api/audit?targetType=elder_package&targetId=${counter.body.id}`, {
    token: admin,
  });
  expect(log.body.items.map((e: any) => e.action).sort()).toEqual([
    'elder_package.buy',
    'elder_package.collect',
  ]);
  expect((await packagesOf(poor.id)).items[0].payment.status).toBe('paid');
  expect((await packagesOf(poor.id)).items.map((i: any) => [i.month, i.remaining])).toEqual([['2027-01', 4]]);
});

test('visits booked 用套餐 draw it down at no charge; none left → 409; cancel gives one back, a decline does not', async () => {
  const single = await t.api.post(
    '/api/service-orders/quote',
    { elderId: elder.id, itemId: bath.id, scheduledAt: '2026-12-03T02:00:00.000Z' },
    { token: daughter.token },
  );
  const visits: any[] = [];
  for (let day = 3; day <= 6; day++) {
    const res = await book(elder.id, bath.id, `2026-12-0${day}T02:00:00.000Z`, { packageId: pkg.id });
    expect(res.status).toBe(201);
    expect(res.body.pricing).toMatchObject({
      subtotal: single.body.pricing.subtotal,
      payable: 0,
      paidByPackage: {
        id: `${elder.id}:${pkg.id}:2026-12`,
        name: '助浴月卡',
        amount: single.body.pricing.payable,
      },
    });
    visits.push(res.body);
    expect(await remainingOf(elder.id)).toBe(4 - visits.length);
  }
  const none = await book(elder.id, bath.id, '2026-12-07T02:00:00.000Z', { packageId: pkg.id });
  expect(none.status).toBe(409);
  expect(none.body.error.code).toBe('PACKAGE_USED_UP');
  expect(none.body.error.message).toContain('已经用完');
  // Paid per visit instead: still possible.
  expect((await book(elder.id, bath.id, '2026-12-07T02:00:00.000Z')).status).toBe(201);

  // A provider's decline sends the visit back to the desk; the package stays drawn.
  await t.api.post(
    `/api/service-orders/${visits[0].id}/dispatch`,
    { providerUserId: provider.id },
    { token: worker.token },
  );
  const declined = await t.api.post(
    `/api/service-orders/${visits[0].id}/decline`,
    { reason: '家里有事' },
    { token: provider.token },
  );
  expect(declined.status).toBe(200);
  expect(await remainingOf(elder.id)).toBe(0);
  // Cancelling gives it back, once.
  const cancel = await t.api.post(
    `/api/service-orders/${visits[1].id}/cancel`,
    {},
    { token: daughter.token },
  );
  expect(cancel.status).toBe(200);
  expect(await remainingOf(elder.id)).toBe(1);
  expect(
    (await t.api.post(`/api/service-orders/${visits[1].id}/cancel`, {}, { token: daughter.token })).status,
  ).toBe(409);
  expect(await remainingOf(elder.id)).toBe(1);
  expect((await book(elder.id, bath.id, '2026-12-08T02:00:00.000Z', { packageId: pkg.id })).status).toBe(201);
  expect(await remainingOf(elder.id)).toBe(0);
});

test('who may buy: the elder, linked family, that community’s worker, admin — anyone else sees no elder', async () => {
  const e = await f.elder(worker.token, community.id, { birthDate: '1946-03-03' });
  const elderLogin = await f.elderAccount(worker.token, e.id);
  const other = await f.community({ name: '太和社区' });
  const otherWorker = await f.user('worker', { communityId: other.id });
  const stranger = await f.family('陌生人');
  const body = { packageId: pkg.id, month: '2027-01', payment: 'counter' };
  for (const who of [otherWorker, stranger]) {
    const res = await buy(e.id, body, randomUUID(), who.token);
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain(pkg.id);
  }
  expect((await packagesOf(e.id, worker.token)).items).toEqual([]);
  expect((await t.api.get(`/api/elders/${e.id}/packages`, { token: otherWorker.token })).status).toBe(404);
  expect((await buy(e.id, body, randomUUID(), elderLogin.token)).status).toBe(201);
  expect((await buy(e.id, { ...body, month: '2026-12' }, randomUUID(), worker.token)).status).toBe(201);
  expect((await packagesOf(e.id, elderLogin.token)).items.map((i: any) => i.month)).toEqual([
    '2026-12',
    '2027-01',
  ]);
});

test('用套餐 needs the package for the visit’s month and item: otherwise a clear 409 / 400', async () => {
  const nextMonth = await book(elder.id, bath.id, '2027-01-05T02:00:00.000Z', { packageId: pkg.id });
  expect(nextMonth.status).toBe(409);
  expect(nextMonth.body.error.code).toBe('NO_PACKAGE');
  expect(nextMonth.body.error.message).toContain('2027年1月');
  const otherItem = await book(elder.id, cleaning.id, '2026-12-09T02:00:00.000Z', { packageId: pkg.id });
  expect(otherItem.status).toBe(400);
  expect(otherItem.body.error.fields).toHaveProperty('packageId');
});

test('20 attempts at once for the last visit: exactly one booked', async () => {
  const e = await f.elder(worker.token, community.id, { birthDate: '1945-01-01' });
  await f.link(worker.token, e.id, daughter);
  expect((await buy(e.id, { packageId: pkg.id, month: '2026-12', payment: 'counter' })).status).toBe(201);
  for (let day = 10; day <= 12; day++)
    expect((await book(e.id, bath.id, `2026-12-${day}T02:00:00.000Z`, { packageId: pkg.id })).status).toBe(
      201,
    );
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      book(e.id, bath.id, `2026-12-${13 + (i % 10)}T02:00:00.000Z`, { packageId: pkg.id }),
    ),
  );
  expect(results.filter((r) => r.status === 201)).toHaveLength(1);
  expect(results.filter((r) => r.status === 409 && r.body.error.code === 'PACKAGE_USED_UP')).toHaveLength(19);
  expect(await remainingOf(e.id)).toBe(0);
  const visits = await t.api.get(`/api/service-orders?elderId=${e.id}`, { token: daughter.token });
  expect(visits.body.items.filter((v: any) => v.elderPackageId)).toHaveLength(4);
});

test('a retired package is listed but cannot be bought; the change is on the audit log', async () => {
  const off = await t.api.patch(
    `/api/service-packages/${pkg.id}`,
    { active: false, reason: '年底调整' },
    { token: admin },
  );
  expect(off.status).toBe(200);
  expect(off.body.active).toBe(false);
  expect(
    (await t.api.patch(`/api/service-packages/${pkg.id}`, { active: false }, { token: worker.token })).status,
  ).toBe(403);
  const res = await buy(elder.id, { packageId: pkg.id, month: '2027-01', payment: 'counter' });
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('PACKAGE_RETIRED');
  expect((await packagesOf(elder.id)).offers.filter((o: any) => o.packageId === pkg.id)).toEqual([]);
  const audit = await t.api.get(`/api/audit?targetType=service_package&targetId=${pkg.id}`, { token: admin });
  expect(audit.body.items.map((e: any) => e.action)).toContain('service_package.update');
  await t.api.patch(`/api/service-packages/${pkg.id}`, { active: true }, { token: admin });
});

test('unused visits lapse at the month’s end: in January December’s package is gone', async () => {
  const before = await packagesOf(elder.id);
  expect(before.note).toBe('当月未用完的次数月底作废');
  expect(before.items.map((i: any) => i.month)).toEqual(['2026-12']);
  now = new Date('2027-01-02T01:00:00Z');
  const after = await packagesOf(elder.id);
  expect(after.items).toEqual([]);
  const late = await book(elder.id, bath.id, '2027-01-05T02:00:00.000Z', { packageId: pkg.id });
  expect(late.body.error.code).toBe('NO_PACKAGE');
  now = new Date('2026-12-01T01:00:00Z');
});

test('after a crash: a draw whose visit was never created, and a cancel cut off before the give-back, come back', async () => {
  const e = await f.elder(worker.token, community.id, { birthDate: '1944-02-02' });
  await f.link(worker.token, e.id, daughter);
  expect((await buy(e.id, { packageId: pkg.id, month: '2026-12', payment: 'counter' })).status).toBe(201);
  const epId = `${e.id}:${pkg.id}:2026-12`;
  // A booking that drew a visit and crashed before creating it, two hours ago.
  const ghost = String(mongoose.Types.ObjectId.createFromTime(Math.floor(Date.now() / 1000) - 2 * 3600));
  await ElderPackage.updateOne(
    { _id: epId },
    { $inc: { remaining: -1 }, $push: { draws: ghost, pending: ghost } },
  );
  // A booking still running (just now) is left alone.
  const running = String(new mongoose.Types.ObjectId());
  await ElderPackage.updateOne(
    { _id: epId },
    { $inc: { remaining: -1 }, $push: { draws: running, pending: running } },
  );
  expect(await remainingOf(e.id)).toBe(3);
  await ElderPackage.updateOne(
    { _id: epId },
    { $inc: { remaining: 1 }, $pull: { draws: running, pending: running } },
  );
  expect(await remainingOf(e.id)).toBe(4);

  // A cancel whose give-back a crash cut off: the visit is cancelled and marked, the package not yet back.
  const v = await book(e.id, bath.id, '2026-12-15T02:00:00.000Z', { packageId: pkg.id });
  expect(v.status).toBe(201);
  expect(await remainingOf(e.id)).toBe(3);
  await ServiceOrder.updateOne(
    { _id: new mongoose.Types.ObjectId(v.body.id) },
    { $set: { status: 'cancelled', packageGiveBack: true } },
  );
  expect(await remainingOf(e.id)).toBe(3);
  expect((await recoverOnce()).packageVisitsGivenBack).toBe(1);
  expect(await remainingOf(e.id)).toBe(4);
  expect((await recoverOnce()).packageVisitsGivenBack).toBe(0);
  expect(await remainingOf(e.id)).toBe(4);
});

test('after a crash mid-purchase the card is made right: paid for a package that exists, refunded when none', async () => {
  const e = await f.elder(worker.token, community.id, { birthDate: '1947-04-04' });
  await topup(e.id, 20000);
  const old = new Date(Date.now() - 5 * 60_000);
  /** What a purchase leaves when killed after its card payment was counted (in flight). */
  const crashedPayment = async (purchaseId: string, epId: string, amount: number) => {
    await mongoose.connection.collection('card_entries').insertOne({
      _id: `pay:${purchaseId}` as never,
      elderId: e.id,
      kind: 'payment',
      amount: -amount,
      state: 'pending',
      orderId: epId,
      elderMonth: `${e.id}:2026-12`,
      by: { userId: daughter.id, role: 'family' },
      method: 'card',
      at: old,
      createdAt: old,
    });
    await mongoose.connection
      .collection('meal_cards')
      .updateOne(
        { _id: e.id as never },
        { $inc: { balance: -amount, seq: 1 }, $push: { inflight: `pay:${purchaseId}` as never } },
      );
  };
  // Killed before the package was written: the money goes back.
  const lost = String(new mongoose.Types.ObjectId());
  await crashedPayment(lost, `${e.id}:${pkg.id}:2026-12`, 5000);
  expect((await card(e.id)).balance).toBe(20000);
  // Killed after the package was written, before the payment was finished: it stays paid.
  const kept = String(new mongoose.Types.ObjectId());
  const epId = `${e.id}:${pkg.id}:2027-01`;
  await crashedPayment(kept, epId, 7000);
  await ElderPackage.create({
    _id: epId,
    elderId: e.id,
    elderMonth: `${e.id}:2027-01`,
    communityId: community.id,
    packageId: pkg.id,
    name: pkg.name,
    itemId: bath.id,
    itemName: '上门助浴',
    category: 'bath',
    month: '2027-01',
    visitsPerMonth: 4,
    remaining: 4,
    draws: [],
    pending: [],
    pricing: { subtotal: 7000, discounts: [], deliveryFee: 0, payable: 7000 },
    payment: { method: 'card', amount: 7000, status: 'paid' },
    purchaseId: kept,
    boughtBy: { userId: daughter.id, role: 'family', name: daughter.name },
  });
  const after = await card(e.id);
  expect(after.balance).toBe(13000);
  expect(after.entries.reduce((sum: number, x: any) => sum + x.amount, 0)).toBe(13000);
  expect(after.entries.map((x: any) => x.id)).toContain(`pay:${kept}`);
  expect(after.entries.map((x: any) => x.id)).not.toContain(`pay:${lost}`);
});

describe('two BFF processes on one database', () => {
  const children: ChildProcess[] = [];
  const adminUser = { phone: '13900007777', password: 'Admin@Packages1', name: '套餐测试管理员' };
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  });

  test('20 attempts for the last visit, alternating between the processes: exactly one booked', async () => {
    const dbName = `pkg_mp_${process.env.JEST_WORKER_ID}_${Date.now().toString(36)}`;
    const start = async (bootstrap: boolean): Promise<ApiClient> => {
      const child = await startChildBff({
        ...workerConnection(),
        dbName,
        admin: adminUser,
        bootstrap,
        jwtSecret: 'packages-secret',
        ...(process.env.PACKAGES_MP_WRITE_LOCK
          ? { env: { WRITE_LOCK: process.env.PACKAGES_MP_WRITE_LOCK } }
          : {}),
      });
      children.push(child.process);
      return child.api;
    };
    const a = await start(true);
    const b = await start(false);
    const fa = new ServiceFixtures({ baseUrl: a.baseUrl, api: a, admin: adminUser } as TestServer);
    const comm = await fa.community();
    const w = await fa.user('worker', { communityId: comm.id });
    const item = await fa.item();
    const made = await a.post(
      '/api/service-packages',
      { itemId: item.id, name: '助浴月卡', visitsPerMonth: 12, price: 50000 },
      { token: await fa.adminToken() },
    );
    expect(made.status).toBe(201);
    // Real clock here: the visits are from tomorrow on, the package is for that month.
    const at = (i: number) => new Date(Date.now() + 26 * 3600_000 + i * 60_000).toISOString();
    const month = chinaMonth(new Date(at(0)));
    const visit = (server: ApiClient, elderId: string, i: number) =>
      server.post(
        '/api/service-orders',
        { elderId, itemId: item.id, scheduledAt: at(i), packageId: made.body.id },
        { token: w.token },
      );
    // Three elders, each with one visit left of twelve; 20 attempts at each last one, all at once.
    const elders: string[] = [];
    for (let n = 0; n < 3; n++) {
      const e = await fa.elder(w.token, comm.id);
      const bought = await a.post(
        `/api/elders/${e.id}/packages`,
        { packageId: made.body.id, month, payment: 'counter' },
        { token: w.token, headers: { 'idempotency-key': randomUUID() } },
      );
      expect(bought.status).toBe(201);
      for (let i = 0; i < 11; i++) expect((await visit(i % 2 ? b : a, e.id, i)).status).toBe(201);
      elders.push(e.id);
    }
    const results = await Promise.all(
      elders.flatMap((elderId) =>
        Array.from({ length: 20 }, (_, i) => visit(i % 2 ? b : a, elderId, 11 + i)),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 409 && r.body.error.code === 'PACKAGE_USED_UP')).toHaveLength(
      57,
    );
    for (const elderId of elders) {
      const left = await b.get(`/api/elders/${elderId}/packages`, { token: w.token });
      expect(left.body.items.map((i: any) => i.remaining)).toEqual([0]);
      const booked = await a.get(`/api/service-orders?elderId=${elderId}`, { token: w.token });
      expect(booked.body.items).toHaveLength(12);
    }
  }, 120_000);
});
