/**
 * Keeping an elder's record true over a year (issue 14 items 1–3): correcting it (PATCH),
 * retiring an elder (meals, standing orders, visits, card, login — all closed out), the
 * admin reinstating one retired by mistake, and moving an elder to another community.
 * The clock is the test's own, so a meal can be past its cut-off when the elder leaves.
 */
import { randomUUID } from 'node:crypto';
import { addDays, chinaDate, chinaInstant, makeIdCardNo } from '@yiyangtong/shared';
import { startTestServer, type TestServer } from '../harness/server';
import { UNKNOWN_ID, type TestUser } from './fixtures';
import { ServiceFixtures } from './service-fixtures';

let t: TestServer;
let f: ServiceFixtures;
let admin: string;
let now = new Date();
const today = chinaDate(now);
const D1 = addDays(today, 1);
const D3 = addDays(today, 3);
let commA: { id: string };
let commB: { id: string };
let workerA: TestUser;
let workerB: TestUser;
let staff: TestUser;
let provider: TestUser;
let family: TestUser;
let canteen: { id: string };
let dish: { id: string };

const maskedId = (id: string) => `${id.slice(0, 4)}**********${id.slice(-4)}`;

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  f = new ServiceFixtures(t);
  admin = await f.adminToken();
  commA = await f.community({ name: '关上社区' });
  commB = await f.community({ name: '太和社区' });
  workerA = await f.user('worker', { communityId: commA.id });
  workerB = await f.user('worker', { communityId: commB.id });
  provider = await f.user('provider', { name: '李护工' });
  family = await f.family('王家属');
  canteen = await f.canteen(commA.id, { slots: [{ slot: 'lunch', cutoff: '10:00' }] });
  staff = await f.user('canteen_staff', { canteenId: canteen.id });
  dish = await f.dish(staff.token, canteen.id, '红烧肉', 1000);
  for (const date of [D1, D3])
    await f.putMenu(staff.token, canteen.id, date, 'lunch', [{ dishId: dish.id, quota: 20 }]);
  await f.rule({
    name: '低保每餐减3元',
    groups: ['dibao'],
    benefit: { type: 'amount_off', value: 300 },
    fundedBy: 'government',
    validFrom: '2026-01-01',
  });
}, 120_000);
afterAll(() => t?.close());

const lunch = (elderId: string, date: string, extra: Record<string, unknown> = {}) => ({
  elderId,
  canteenId: canteen.id,
  date,
  slot: 'lunch' as const,
  items: [{ dishId: dish.id, qty: 1 }],
  ...extra,
});

async function auditOf(targetId: string, token = admin, targetType = 'elder'): Promise<any[]> {
  const res = await t.api.get(`/api/audit?targetType=${targetType}&targetId=${targetId}`, { token });
  expect(res.status).toBe(200);
  return res.body.items;
}

describe('correcting an elder (PATCH /api/elders/:id)', () => {
  let elder: { id: string; sent: Record<string, any> };

  beforeAll(async () => {
    elder = await f.elder(workerA.token, commA.id, { groups: [], phone: '13811112222' });
  });

  test("the community's worker changes phone, address, groups, diet, contacts and notes; reads stay masked", async () => {
    const body = {
      name: '张老改名',
      phone: '13833334444',
      address: '官渡区太和街道和谐小区1栋',
      location: { lng: 102.73, lat: 25.03 },
      groups: ['dibao'],
      diet: ['低盐', '软食'],
      emergencyContacts: [{ name: '张小华', phone: '13955556666', relation: '女儿' }],
      notes: '女儿每周三来',
    };
    const res = await t.api.patch(`/api/elders/${elder.id}`, body, { token: workerA.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: '张老改名',
      phone: '138****4444',
      address: body.address,
      location: body.location,
      groups: ['dibao'],
      diet: ['低盐', '软食'],
      emergencyContacts: [{ name: '张小华', phone: '139****6666', relation: '女儿' }],
      notes: '女儿每周三来',
      idCardNo: maskedId(elder.sent.idCardNo),
      status: 'active',
    });
    const read = await t.api.get(`/api/elders/${elder.id}`, { token: workerA.token });
    expect(read.body).toEqual(res.body);
    const whole = await t.api.get(`/api/elders/${elder.id}`, { token: admin });
    expect(whole.body.phone).toBe('13833334444');
  });

  test("another community's worker gets 404, family and staff 403/404, and nothing changes", async () => {
    for (const token of [workerB.token, family.token, staff.token]) {
      const res = await t.api.patch(`/api/elders/${elder.id}`, { name: '别人改的' }, { token });
      expect([403, 404]).toContain(res.status);
    }
    expect(
      (await t.api.patch(`/api/elders/${elder.id}`, { name: '别人改的' }, { token: workerB.token })).status,
    ).toBe(404);
    expect((await t.api.patch(`/api/elders/${UNKNOWN_ID}`, { name: 'x' }, { token: admin })).status).toBe(
      404,
    );
    const read = await t.api.get(`/api/elders/${elder.id}`, { token: workerA.token });
    expect(read.body.name).toBe('张老改名');
  });

  test('an empty correction changes nothing and is not audited', async () => {
    const before = await t.api.get(`/api/elders/${elder.id}`, { token: workerA.token });
    const res = await t.api.patch(`/api/elders/${elder.id}`, {}, { token: workerA.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(before.body);
    const same = await t.api.patch(
      `/api/elders/${elder.id}`,
      { name: before.body.name },
      { token: workerA.token },
    );
    expect(same.status).toBe(200);
  });

  test('bad input is a 400 naming the field', async () => {
    const bad = await t.api.patch(
      `/api/elders/${elder.id}`,
      { phone: '12345', groups: ['dibao', 'dibao'], communityId: commB.id },
      { token: workerA.token },
    );
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(['communityId', 'groups', 'phone']);
  });

  test('only admin changes the ID number: re-validated, re-sealed, birth date and gender follow it', async () => {
    const newNo = makeIdCardNo('530111', '1944-02-09', 212); // even sequence digit: female
    const byWorker = await t.api.patch(
      `/api/elders/${elder.id}`,
      { idCardNo: newNo },
      { token: workerA.token },
    );
    expect(byWorker.status).toBe(403);
    const wrongCheck = newNo.slice(0, 17) + (newNo[17] === '0' ? '1' : '0');
    const bad = await t.api.patch(`/api/elders/${elder.id}`, { idCardNo: wrongCheck }, { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty('idCardNo');

    const res = await t.api.patch(`/api/elders/${elder.id}`, { idCardNo: newNo }, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ idCardNo: newNo, birthDate: '1944-02-09', gender: 'female' });
    // Found by the new number (its blind index), no longer by the old one.
    const byNew = await t.api.get(`/api/elders?q=${newNo}`, { token: workerA.token });
    expect(byNew.body.items.map((e: any) => e.id)).toEqual([elder.id]);
    expect(byNew.body.items[0].idCardNo).toBe(maskedId(newNo));
    const byOld = await t.api.get(`/api/elders?q=${elder.sent.idCardNo}`, { token: workerA.token });
    expect(byOld.body.items).toEqual([]);
    elder.sent.idCardNo = newNo;

    // Another elder's number → 409, and this elder keeps theirs.
    const other = await f.elder(workerA.token, commA.id);
    const dup = await t.api.patch(
      `/api/elders/${elder.id}`,
      { idCardNo: other.sent.idCardNo },
      { token: admin },
    );
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('ELDER_EXISTS');
    expect((await t.api.get(`/api/elders/${elder.id}`, { token: admin })).body.idCardNo).toBe(newNo);
  });

  test("orders already placed keep their price; a new order gets the new groups' discount", async () => {
    const e = await f.elder(workerA.token, commA.id, { groups: [] });
    const before = await f.placed(workerA.token, lunch(e.id, D1));
    expect(before.pricing.payable).toBe(1000);
    const res = await t.api.patch(`/api/elders/${e.id}`, { groups: ['dibao'] }, { token: workerA.token });
    expect(res.status).toBe(200);
    const kept = await t.api.get(`/api/meal-orders/${before.id}`, { token: workerA.token });
    expect(kept.body.pricing).toEqual(before.pricing);
    const after = await f.placed(workerA.token, lunch(e.id, D3));
    expect(after.pricing.payable).toBe(700);
    expect(after.pricing.discounts.map((d: any) => d.name)).toEqual(['低保每餐减3元']);
  });

  test('each change is audited once with before and after, phones and ID numbers only masked', async () => {
    const items = await auditOf(elder.id);
    const updates = items.filter((i) => i.action === 'elder.update');
    expect(updates).toHaveLength(2); // the worker's correction and the admin's new ID number
    const byField = (entry: any, field: string) => entry.changes.find((c: any) => c.field === field);
    const worker = updates.find((u) => u.actor.userId === workerA.id);
    expect(worker).toMatchObject({ targetType: 'elder', communityId: commA.id, actor: { role: 'worker' } });
    expect(byField(worker, 'phone')).toEqual({ field: 'phone', before: '138****2222', after: '138****4444' });
    expect(byField(worker, 'groups')).toEqual({ field: 'groups', before: [], after: ['dibao'] });
    expect(byField(worker, 'emergencyContacts').after[0].phone).toBe('139****6666');
    const idChange = byField(
      updates.find((u) => u.actor.role === 'admin'),
      'idCardNo',
    );
    expect(idChange.after).toMatch(/^5301\*{10}/);
    expect(items.some((i) => i.action === 'elder.create')).toBe(true);
    // Nothing plain anywhere in what the audit gives out.
    const text = JSON.stringify(items);
    for (const plain of ['13811112222', '13833334444', '13955556666', elder.sent.idCardNo])
      expect(text).not.toContain(plain);
  });
});

describe('retiring an elder (POST /api/elders/:id/retire)', () => {
  let r: { id: string; sent: Record<string, any> };
  let elderUser: TestUser;
  let pastCutoff: any;
  let upcoming: any;
  let standingId: string;
  let visitId: string;
  const remainingD3 = () => f.remaining(canteen.id, D3, 'lunch', dish.id);
  const D2 = addDays(today, 2);
  const lunchForecast = async (date: string) =>
    (
      await t.api.get(`/api/canteens/${canteen.id}/forecast?date=${date}`, { token: staff.token })
    ).body.days[0].slots.find((s: any) => s.slot === 'lunch').meals;
  let forecastBefore: { d2: any; d3: any };
  let remainingBefore: number;

  beforeAll(async () => {
    now = new Date();
    r = await f.elder(workerA.token, commA.id, { groups: [], name: '退出测试长者' });
    elderUser = await f.elderAccount(workerA.token, r.id);
    const topup = await t.api.post(
      `/api/elders/${r.id}/card/topups`,
      { amount: 5000, method: 'cash' },
      { token: workerA.token, headers: { 'idempotency-key': randomUUID() } },
    );
    expect(topup.status).toBe(201);
    pastCutoff = await f.placed(workerA.token, lunch(r.id, D1, { payment: 'card' }));
    upcoming = await f.placed(workerA.token, lunch(r.id, D3, { payment: 'card' }));
    remainingBefore = await remainingD3();
    const standing = await t.api.post(
      '/api/standing-orders',
      {
        elderId: r.id,
        canteenId: canteen.id,
        slot: 'lunch',
        weekdays: [1, 2, 3, 4, 5, 6, 7],
        items: [{ dishId: dish.id, qty: 1 }],
        fulfilment: 'dine_in',
      },
      { token: workerA.token },
    );
    expect(standing.status).toBe(201);
    standingId = standing.body.id;
    const listed = await t.api.get(`/api/standing-orders?elderId=${r.id}`, { token: workerA.token });
    expect(listed.body.items.map((o: any) => o.id)).toEqual([standingId]);
    const item = await f.item({ name: '助浴' });
    const visit = await f.visit(workerA.token, r.id, item.id, `${D3}T02:00:00.000Z`);
    visitId = visit.id;
    const dispatched = await t.api.post(
      `/api/service-orders/${visitId}/dispatch`,
      { providerUserId: provider.id },
      { token: workerA.token },
    );
    expect(dispatched.status).toBe(200);
    // Now it is D1 10:30: the D1 lunch is past its cut-off (it stays), the D3 one is not.
    now = new Date(chinaInstant(D1, '10:30').getTime());
  }, 60_000);

  test('the preview says what will happen, in numbers', async () => {
    const res = await t.api.get(`/api/elders/${r.id}/retirement-preview`, { token: workerA.token });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      mealsToCancel: 1,
      standingOrdersToEnd: 1,
      visitsToCancel: 1,
      cardBalance: 4000, // 3000 now + the 1000 the cancelled meal gives back
      currentBalance: 3000,
    });
    expect((await t.api.get(`/api/elders/${r.id}/retirement-preview`, { token: workerB.token })).status).toBe(
      404,
    );
  });

  test("another community's worker cannot retire the elder; a bad reason is a 400", async () => {
    const other = await t.api.post(
      `/api/elders/${r.id}/retire`,
      { reason: 'withdrawn' },
      { token: workerB.token },
    );
    expect(other.status).toBe(404);
    const bad = await t.api.post(`/api/elders/${r.id}/retire`, { reason: 'bored' }, { token: workerA.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields).toHaveProperty('reason');
    expect((await t.api.get(`/api/elders/${r.id}`, { token: workerA.token })).body.status).toBe('active');
  });

  test('retiring closes everything out and says what it did', async () => {
    expect(await remainingD3()).toBe(remainingBefore);
    forecastBefore = { d2: await lunchForecast(D2), d3: await lunchForecast(D3) };
    expect(forecastBefore.d2.standing).toBe(1); // this elder's standing order, the only one

    const res = await t.api.post(
      `/api/elders/${r.id}/retire`,
      { reason: 'moved_away', date: D1, notes: '随女儿去昆明西山区', payout: { method: 'family' } },
      { token: workerA.token },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'retired',
      retirement: {
        reason: 'moved_away',
        date: D1,
        notes: '随女儿去昆明西山区',
        payoutMethod: 'family',
        mealsCancelled: 1,
        standingOrdersEnded: 1,
        visitsCancelled: 1,
        paidOut: 4000,
      },
    });
    expect((await t.api.get(`/api/elders/${r.id}`, { token: workerA.token })).body.status).toBe('retired');
  });

  test('the meal before its cut-off is cancelled, its portion is back and its card payment refunded', async () => {
    const o = await t.api.get(`/api/meal-orders/${upcoming.id}`, { token: workerA.token });
    expect(o.body.status).toBe('cancelled');
    expect(o.body.payment.status).toBe('refunded');
    expect(await remainingD3()).toBe(remainingBefore + 1);
    // The meal past its cut-off is cooked already: it stays, and stays in the settlement.
    const kept = await t.api.get(`/api/meal-orders/${pastCutoff.id}`, { token: workerA.token });
    expect(kept.body.status).toBe('placed');
    const settlement = await t.api.get(
      `/api/reports/settlement?canteenId=${canteen.id}&month=${D1.slice(0, 7)}`,
      {
        token: admin,
      },
    );
    const live = (
      await Promise.all(
        [...new Set([D1, D3].filter((d) => d.slice(0, 7) === D1.slice(0, 7)))].map(
          async (d) => (await t.api.get(`/api/meal-orders?date=${d}`, { token: admin })).body.items,
        ),
      )
    )
      .flat()
      .filter((x: any) => x.canteenId === canteen.id && x.status !== 'cancelled');
    expect(live.some((x: any) => x.id === pastCutoff.id)).toBe(true);
    expect(settlement.body.orders).toBe(live.length);
  });

  test('the card is paid out to the family: balance 0, a payout entry, and the entries still sum to it', async () => {
    const card = await t.api.get(`/api/elders/${r.id}/card`, { token: workerA.token });
    expect(card.status).toBe(200);
    expect(card.body.balance).toBe(0);
    const sum = card.body.entries.reduce((s: number, e: any) => s + e.amount, 0);
    expect(sum).toBe(0);
    const payout = card.body.entries.filter((e: any) => e.kind === 'payout');
    expect(payout).toHaveLength(1);
    expect(payout[0]).toMatchObject({ amount: -4000, method: 'family', by: { userId: workerA.id } });
    expect(card.body.entries.some((e: any) => e.kind === 'refund' && e.orderId === upcoming.id)).toBe(true);
  });

  test('the standing order is ended and the dispatched visit cancelled, its provider told', async () => {
    // The list shows running standing orders only: it is gone from it (it was there before).
    const list = await t.api.get(`/api/standing-orders?elderId=${r.id}`, { token: workerA.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((o: any) => o.id)).not.toContain(standingId);
    // Ending it again finds nothing running any more.
    expect(
      (await t.api.call('DELETE', `/api/standing-orders/${standingId}`, undefined, { token: workerA.token }))
        .status,
    ).toBe(404);
    const visit = await t.api.get(`/api/service-orders/${visitId}`, { token: workerA.token });
    expect(visit.body.status).toBe('cancelled');
    const notes = await t.api.get('/api/notifications', { token: provider.token });
    expect(notes.body.items.some((n: any) => n.kind === 'visit_cancelled' && n.refId === visitId)).toBe(true);
  });

  test("the elder's login is refused at once (401)", async () => {
    const res = await t.api.get(`/api/elders/${r.id}`, { token: elderUser.token });
    expect(res.status).toBe(401);
    const login = await t.api.post('/api/auth/login', {
      phone: elderUser.phone,
      password: elderUser.password,
    });
    expect([401, 403]).toContain(login.status);
  });

  test('booking anything for the retired elder → 409 ELDER_RETIRED', async () => {
    const meal = await f.order(workerA.token, lunch(r.id, D3));
    expect(meal.status).toBe(409);
    expect(meal.body.error.code).toBe('ELDER_RETIRED');
    const batch = await t.api.post(
      '/api/meal-orders/batch',
      { ...lunch(r.id, D3), elderId: undefined, elderIds: [r.id], fulfilment: 'dine_in' },
      { token: workerA.token, headers: { 'idempotency-key': randomUUID() } },
    );
    expect(batch.status).toBe(200);
    expect(batch.body.results[0]).toMatchObject({
      elderId: r.id,
      status: 409,
      error: { code: 'ELDER_RETIRED' },
    });
    const item = await f.item({ name: '理发' });
    const visit = await t.api.post(
      '/api/service-orders',
      { elderId: r.id, itemId: item.id, scheduledAt: `${D3}T03:00:00.000Z` },
      { token: workerA.token },
    );
    expect(visit.status).toBe(409);
    expect(visit.body.error.code).toBe('ELDER_RETIRED');
    const standing = await t.api.post(
      '/api/standing-orders',
      {
        elderId: r.id,
        canteenId: canteen.id,
        slot: 'lunch',
        weekdays: [1],
        items: [{ dishId: dish.id, qty: 1 }],
        fulfilment: 'dine_in',
      },
      { token: workerA.token },
    );
    expect(standing.status).toBe(409);
    expect(standing.body.error.code).toBe('ELDER_RETIRED');
    expect(await remainingD3()).toBe(remainingBefore + 1);
  });

  test('the elder leaves the booking list and the forecast, but the office still finds them', async () => {
    const list = await t.api.get('/api/elders', { token: workerA.token });
    expect(list.body.items.map((e: any) => e.id)).not.toContain(r.id);
    expect(list.body.items.length).toBeGreaterThan(0);
    const retired = await t.api.get('/api/elders?status=retired', { token: workerA.token });
    expect(retired.body.items.map((e: any) => e.id)).toEqual([r.id]);
    const byName = await t.api.get(`/api/elders?q=${encodeURIComponent('退出测试')}`, {
      token: workerA.token,
    });
    expect(byName.body.items).toEqual([]);
    expect((await lunchForecast(D2)).standing).toBe(0);
    expect((await lunchForecast(D3)).total).toBe(forecastBefore.d3.total - 1);
  });

  test('retiring again → 409; the audit has the retirement and the payout', async () => {
    const again = await t.api.post(
      `/api/elders/${r.id}/retire`,
      { reason: 'withdrawn' },
      { token: workerA.token },
    );
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ELDER_RETIRED');
    const items = await auditOf(r.id);
    const account = items.filter((i) => i.action === 'elder.account');
    expect(account).toHaveLength(1);
    expect(account[0].changes).toContainEqual({
      field: 'phone',
      after: `${elderUser.phone.slice(0, 3)}****${elderUser.phone.slice(-4)}`,
    });
    expect(JSON.stringify(items)).not.toContain(elderUser.phone);
    const retire = items.filter((i) => i.action === 'elder.retire');
    expect(retire).toHaveLength(1);
    expect(retire[0]).toMatchObject({
      targetType: 'elder',
      actor: { userId: workerA.id },
      communityId: commA.id,
    });
    expect(retire[0].changes).toContainEqual({ field: 'status', before: 'active', after: 'retired' });
    const payout = (await auditOf(r.id, admin, 'meal_card')).filter((i) => i.action === 'meal_card.payout');
    expect(payout).toHaveLength(1);
    expect(payout[0]).toMatchObject({ targetType: 'meal_card', targetId: r.id });
    expect(payout[0].changes).toContainEqual({ field: 'balance', before: 4000, after: 0 });
  });

  test('admin reinstates the elder: active again, login back, cancelled orders stay cancelled', async () => {
    const byWorker = await t.api.post(`/api/elders/${r.id}/reinstate`, {}, { token: workerA.token });
    expect(byWorker.status).toBe(403);
    const res = await t.api.post(`/api/elders/${r.id}/reinstate`, { reason: '误操作' }, { token: admin });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('active');
    expect(res.body.retirement).toBeUndefined();
    const token = await t.api.login(elderUser.phone, elderUser.password);
    expect((await t.api.get(`/api/elders/${r.id}`, { token })).status).toBe(200);
    expect((await t.api.get(`/api/meal-orders/${upcoming.id}`, { token })).body.status).toBe('cancelled');
    const list = await t.api.get('/api/elders', { token: workerA.token });
    expect(list.body.items.map((e: any) => e.id)).toContain(r.id);
    expect((await f.order(workerA.token, lunch(r.id, D3))).status).toBe(201);
    const again = await t.api.post(`/api/elders/${r.id}/reinstate`, {}, { token: admin });
    expect(again.status).toBe(409);
    const audit = await auditOf(r.id);
    expect(audit.filter((i) => i.action === 'elder.reinstate')).toHaveLength(1);
  });
});

describe('moving an elder to another community (POST /api/elders/:id/transfer)', () => {
  test("the new community's worker sees the elder, the old one's does not; history stays where it happened", async () => {
    now = new Date();
    const e = await f.elder(workerA.token, commA.id, { name: '搬家长者' });
    const order = await f.placed(workerA.token, lunch(e.id, D3));
    expect(
      (await t.api.post(`/api/elders/${e.id}/transfer`, { communityId: commB.id }, { token: workerA.token }))
        .status,
    ).toBe(403);
    const same = await t.api.post(
      `/api/elders/${e.id}/transfer`,
      { communityId: commA.id },
      { token: admin },
    );
    expect(same.status).toBe(400);
    const unknown = await t.api.post(
      `/api/elders/${e.id}/transfer`,
      { communityId: UNKNOWN_ID },
      { token: admin },
    );
    expect(unknown.status).toBe(400);

    const res = await t.api.post(
      `/api/elders/${e.id}/transfer`,
      { communityId: commB.id, reason: '搬到女儿家' },
      { token: admin },
    );
    expect(res.status).toBe(200);
    expect(res.body.communityId).toBe(commB.id);
    expect((await t.api.get(`/api/elders/${e.id}`, { token: workerA.token })).status).toBe(404);
    expect((await t.api.get(`/api/elders/${e.id}`, { token: workerB.token })).status).toBe(200);
    expect(
      (await t.api.get('/api/elders', { token: workerB.token })).body.items.map((x: any) => x.id),
    ).toContain(e.id);
    // The order placed before stays on the old community's day sheet (its communityDay).
    const dayA = await t.api.get(`/api/meal-orders?date=${D3}`, { token: workerA.token });
    expect(dayA.body.items.map((o: any) => o.id)).toContain(order.id);
    const dayB = await t.api.get(`/api/meal-orders?date=${D3}`, { token: workerB.token });
    expect(dayB.body.items.map((o: any) => o.id)).not.toContain(order.id);
    // New bookings are the new community's.
    const next = await f.placed(workerB.token, lunch(e.id, D3, { additional: true }));
    const dayB2 = await t.api.get(`/api/meal-orders?date=${D3}`, { token: workerB.token });
    expect(dayB2.body.items.map((o: any) => o.id)).toContain(next.id);

    const audit = await auditOf(e.id);
    const moved = audit.filter((i) => i.action === 'elder.transfer');
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ communityId: commB.id, reason: '搬到女儿家' });
    expect(moved[0].changes).toEqual([{ field: 'communityId', before: commA.id, after: commB.id }]);
    const seenByNew = await auditOf(e.id, workerB.token);
    expect(seenByNew.map((i: any) => i.action)).toContain('elder.transfer');
  });
});
