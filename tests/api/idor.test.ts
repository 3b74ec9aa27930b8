/**
 * Object-level access (IDOR), driven by the OpenAPI document: every route with an `{id}` is
 * called by each role of community A on community B's record — another community's elder and
 * SOS, another canteen's orders, menus and dishes, another provider's visit, another family's
 * elder, another elder's notice — with a body the route accepts, so only ownership can refuse
 * it. Each must answer 403 or 404 with none of the record's data, and leave the record as it was.
 * A route whose `{id}` names a kind of record not in KINDS fails the test until it is added.
 */
import { randomUUID } from 'node:crypto';
import { addDays, chinaDate, chinaMonth } from '@yiyangtong/shared';
import { startTestServer, type TestServer } from '../harness/server';
import { assessmentItems, type TestUser } from './fixtures';
import { ServiceFixtures } from './service-fixtures';

type Kind =
  | 'elder'
  | 'canteen'
  | 'mealOrder'
  | 'visit'
  | 'sos'
  | 'notification'
  | 'standingOrder'
  | 'discountRule'
  | 'serviceItem'
  | 'servicePackage'
  | 'user'
  | 'carePlan';
/** Which record an `{id}` names, by the path it sits under. */
const KINDS: [RegExp, Kind][] = [
  [/^\/api\/elders\/\{id\}/, 'elder'],
  [/^\/api\/canteens\/\{id\}/, 'canteen'],
  [/^\/api\/meal-orders\/\{id\}/, 'mealOrder'],
  [/^\/api\/service-orders\/\{id\}/, 'visit'],
  [/^\/api\/sos\/\{id\}/, 'sos'],
  [/^\/api\/notifications\/\{id\}/, 'notification'],
  [/^\/api\/standing-orders\/\{id\}/, 'standingOrder'],
  [/^\/api\/discount-rules\/\{id\}/, 'discountRule'],
  [/^\/api\/service-items\/\{id\}/, 'serviceItem'],
  [/^\/api\/service-packages\/\{id\}/, 'servicePackage'],
  [/^\/api\/users\/\{id\}/, 'user'],
  [/^\/api\/care-plans\/\{id\}/, 'carePlan'],
];
/** Reads anyone may make (a canteen's card and menu are public): not refused. */
const PUBLIC_READS = [
  'GET /api/canteens/{id}',
  'GET /api/canteens/{id}/dishes',
  'GET /api/canteens/{id}/menus/{date}',
];
const ATTACKERS = ['worker', 'canteen_staff', 'provider', 'family', 'elder'] as const;

interface Side {
  communityId: string;
  canteenId: string;
  users: Record<(typeof ATTACKERS)[number], TestUser>;
  records: Record<Kind, string>;
  noticeOwner: TestUser;
  /** A pause on the standing order (for the route that removes one). */
  pauseId: string;
  /** The canteen's dish (for the routes under a canteen that name one). */
  dishId: string;
  /** A service package (B's elder has bought it this month: A must not buy it for B's elder). */
  packageId: string;
  /** Words only this side's records contain (names, address): must never reach the other side. */
  secrets: string[];
}

let t: TestServer;
let f: ServiceFixtures;
let A: Side;
let B: Side;
const tomorrow = addDays(chinaDate(), 1);
const operations: { method: string; path: string; label: string }[] = [];

async function side(label: string): Promise<Side> {
  const community = await f.community({ name: `${label}社区` });
  const canteen = await f.canteen(community.id, {
    name: `${label}食堂`,
    slots: [{ slot: 'lunch', cutoff: '10:00' }],
  });
  const worker = await f.user('worker', { communityId: community.id });
  const staff = await f.user('canteen_staff', { canteenId: canteen.id });
  const provider = await f.user('provider', { name: `${label}服务员` });
  const elder = await f.elder(worker.token, community.id, { name: `${label}长者`, address: `${label}街1号` });
  const elderUser = await f.elderAccount(worker.token, elder.id);
  const family = await f.family(`${label}家属`);
  await f.link(worker.token, elder.id, family);

  const dish = await f.dish(staff.token, canteen.id, `${label}红烧肉`, 800);
  await f.putMenu(staff.token, canteen.id, tomorrow, 'lunch', [{ dishId: dish.id, quota: 50 }]);
  const order = await f.placed(elderUser.token, {
    elderId: elder.id,
    canteenId: canteen.id,
    date: tomorrow,
    slot: 'lunch',
    items: [{ dishId: dish.id, qty: 1 }],
  });
  const standing = await t.api.post(
    '/api/standing-orders',
    {
      elderId: elder.id,
      canteenId: canteen.id,
      slot: 'lunch',
      weekdays: [1, 2, 3, 4, 5],
      items: [{ dishId: dish.id, qty: 1 }],
      fulfilment: 'dine_in',
    },
    { token: family.token },
  );
  expect(standing.status).toBe(201);
  const pause = await t.api.post(
    `/api/standing-orders/${standing.body.id}/pauses`,
    { from: addDays(tomorrow, 10), to: addDays(tomorrow, 12) },
    { token: family.token },
  );
  expect(pause.status).toBe(201);
  const item = await f.item({ name: `${label}助浴` });
  const rule = await f.rule({
    name: `${label}食堂优惠`,
    canteenId: canteen.id,
    benefit: { type: 'amount_off', value: 100 },
    fundedBy: 'canteen',
    validFrom: '2026-01-01',
  });
  const pkg = await t.api.post(
    '/api/service-packages',
    { itemId: item.id, name: `${label}助浴月卡`, visitsPerMonth: 4, price: 20000 },
    { token: await f.adminToken() },
  );
  expect(pkg.status).toBe(201);
  const bought = await t.api.post(
    `/api/elders/${elder.id}/packages`,
    { packageId: pkg.body.id, month: chinaMonth(), payment: 'counter' },
    { token: family.token, headers: { 'idempotency-key': randomUUID() } },
  );
  expect(bought.status).toBe(201);
  const visit = await f.visit(elderUser.token, elder.id, item.id, `${addDays(tomorrow, 1)}T02:00:00.000Z`);
  const dispatched = await t.api.post(
    `/api/service-orders/${visit.id}/dispatch`,
    { providerUserId: provider.id },
    { token: worker.token },
  );
  expect(dispatched.status).toBe(200);
  const sos = await t.api.post('/api/sos', { elderId: elder.id }, { token: elderUser.token });
  expect(sos.status).toBe(201);
  const carePlan = await t.api.post(
    '/api/care-plans',
    { elderId: elder.id, weekdays: [1, 3, 5] },
    { token: worker.token },
  );
  expect(carePlan.status).toBe(201);
  // A notice of someone on this side (the family hears of the SOS and the visit).
  let notice: { id: string; owner: TestUser } | undefined;
  for (const owner of [elderUser, family, worker, provider]) {
    const items = (await t.api.get('/api/notifications', { token: owner.token })).body.items;
    if (items.length) notice = { id: items[0].id, owner };
    if (notice) break;
  }
  if (!notice) throw new Error('no notice on this side');
  return {
    communityId: community.id,
    canteenId: canteen.id,
    users: { worker, canteen_staff: staff, provider, family, elder: elderUser },
    noticeOwner: notice.owner,
    records: {
      elder: elder.id,
      canteen: canteen.id,
      mealOrder: order.id,
      visit: visit.id,
      sos: sos.body.id,
      notification: notice.id,
      standingOrder: standing.body.id,
      discountRule: rule.id,
      serviceItem: item.id,
      servicePackage: pkg.body.id,
      user: worker.id,
      carePlan: carePlan.body.id,
    },
    pauseId: pause.body.id,
    dishId: dish.id,
    packageId: pkg.body.id,
    secrets: [`${label}长者`, `${label}街1号`, order.pickupCode].filter(Boolean),
  };
}

beforeAll(async () => {
  t = await startTestServer();
  f = new ServiceFixtures(t);
  A = await side('甲');
  B = await side('乙');
  const doc = (await t.api.get('/api/openapi.json')).body;
  for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.paths)) {
    if (!path.includes('{id}')) continue;
    for (const method of Object.keys(ops))
      operations.push({ method, path, label: `${method.toUpperCase()} ${path}` });
  }
}, 300_000);
afterAll(() => t?.close());

function kindOf(path: string): Kind {
  const found = KINDS.find(([re]) => re.test(path));
  if (!found) throw new Error(`${path}: which record does {id} name? Add it to KINDS (and to side()).`);
  return found[1];
}

/** A body the route accepts from its rightful caller, so only ownership can refuse it. */
function bodyFor(label: string): unknown {
  const bodies: Record<string, unknown> = {
    'POST /api/elders/{id}/account': { phone: f.nextPhone(), password: 'Stolen#pass1' },
    'PATCH /api/elders/{id}': { name: '偷改的名字', notes: '偷改' },
    'POST /api/elders/{id}/retire': { reason: 'withdrawn', payout: { method: 'cash' } },
    'POST /api/elders/{id}/reinstate': {},
    'POST /api/elders/{id}/transfer': { communityId: A.communityId },
    'POST /api/canteens/{id}/dishes': { name: '偷加的菜', price: 100 },
    'PUT /api/canteens/{id}/menus/{date}/{slot}': { items: [] },
    'POST /api/canteens/{id}/pickups': { code: '123456', date: tomorrow },
    'POST /api/meal-orders/{id}/delivery': { outcome: 'not_home' },
    'POST /api/service-orders/{id}/dispatch': { providerUserId: A.users.provider.id },
    'POST /api/service-orders/{id}/rating': { score: 1, comment: '差' },
    'POST /api/service-orders/{id}/follow-up': { satisfied: false },
    'POST /api/service-orders/{id}/decline': { reason: '不去了' },
    'POST /api/service-orders/{id}/review': { approve: false, notes: '不通过' },
    'POST /api/sos/{id}/resolve': { notes: '已处理' },
    'POST /api/elders/{id}/card/topups': { amount: 5000, method: 'cash' },
    'POST /api/elders/{id}/assessments': { items: assessmentItems(20) },
    'PATCH /api/users/{id}': { disabled: true },
    'POST /api/users/{id}/password': { password: 'Stolen#pass1' },
    'POST /api/standing-orders/{id}/pauses': { from: addDays(tomorrow, 20), to: addDays(tomorrow, 21) },
    'PATCH /api/discount-rules/{id}': { validTo: '2026-01-01' },
    'PATCH /api/canteens/{id}': { closed: true },
    'PATCH /api/canteens/{id}/dishes/{dishId}': { price: 1, retired: true },
    'PATCH /api/service-items/{id}': { price: 1, retired: true },
    'PATCH /api/service-packages/{id}': { active: false },
    'POST /api/elders/{id}/packages/collect': { packageId: B.packageId, month: chinaMonth() },
    'POST /api/elders/{id}/packages': {
      packageId: B.packageId,
      month: addMonth(chinaMonth()),
      payment: 'counter',
    },
  };
  return bodies[label] ?? {};
}

/** The month after `YYYY-MM` (a package month B's elder has not bought yet). */
function addMonth(month: string): string {
  const [y, m] = month.split('-').map(Number);
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

function urlFor(path: string, id: string): string {
  return (
    path
      .replace('{id}', id)
      .replace('{date}', tomorrow)
      .replace('{slot}', 'lunch')
      .replace('{pauseId}', B.pauseId)
      .replace('{dishId}', B.dishId)
      // a well-formed cash entry of B's worker, so only ownership can refuse the undo
      .replace('{entryId}', `cash:${B.users.worker.id}:topup-1`)
      .concat(path.endsWith('/orders') || path.endsWith('/deliveries') ? `?date=${tomorrow}` : '')
  );
}

test('the document has the {id} routes this table covers', () => {
  expect(operations.length).toBeGreaterThan(20);
  for (const op of operations) kindOf(op.path);
});

test("each role of community A on each {id} route with community B's record → 403/404, none of its data", async () => {
  const leaks: string[] = [];
  for (const op of operations) {
    if (PUBLIC_READS.includes(op.label)) continue;
    const id = B.records[kindOf(op.path)];
    for (const role of ATTACKERS) {
      const res = await t.api.call(
        op.method.toUpperCase(),
        urlFor(op.path, id),
        op.method === 'get' ? undefined : bodyFor(op.label),
        {
          token: A.users[role].token,
          headers: { 'idempotency-key': randomUUID() },
        },
      );
      const text = JSON.stringify(res.body);
      if (![403, 404].includes(res.status))
        leaks.push(`${role} ${op.label}: ${res.status} ${text.slice(0, 200)}`);
      else if (B.secrets.some((s) => text.includes(s)) || text.includes(id))
        leaks.push(`${role} ${op.label}: the refusal carries the record's data: ${text}`);
      else expect(res.body.error.code).toMatch(/^(FORBIDDEN|NOT_FOUND)$/);
    }
  }
  expect(leaks).toEqual([]);
});

test("B's records are as they were, and B's own people still reach them (the ids were real)", async () => {
  const { elder, worker, canteen_staff: staff, provider } = B.users;
  const order = await t.api.get(`/api/meal-orders/${B.records.mealOrder}`, { token: elder.token });
  expect(order.status).toBe(200);
  expect(order.body.status).toBe('placed');
  expect(order.body.delivery).toBeUndefined(); // no delivery outcome recorded by A's staff
  const visit = await t.api.get(`/api/service-orders/${B.records.visit}`, { token: provider.token });
  expect(visit.status).toBe(200);
  expect(visit.body.status).toBe('dispatched');
  expect(visit.body.providerUserId ?? visit.body.provider?.userId).toBe(provider.id);
  const sos = await t.api.get(`/api/sos/${B.records.sos}`, { token: worker.token });
  expect(sos.status).toBe(200);
  expect(sos.body.status).toBe('open');
  const notices = await t.api.get('/api/notifications', { token: B.noticeOwner.token });
  expect(notices.body.items.find((n: any) => n.id === B.records.notification).readAt).toBeNull();
  const menu = await t.api.get(`/api/canteens/${B.canteenId}/menus/${tomorrow}`);
  expect(menu.body.slots[0].items).toHaveLength(1);
  const dishes = await t.api.get(`/api/canteens/${B.canteenId}/dishes`, { token: staff.token });
  expect(dishes.body.items.map((d: any) => d.name)).not.toContain('偷加的菜');
  // Prices, rules and settings of B are as B set them.
  expect(dishes.body.items.find((d: any) => d.id === B.dishId)).toMatchObject({ price: 800, retired: false });
  expect((await t.api.get(`/api/canteens/${B.canteenId}`)).body.closed).toBe(false);
  const admin = await f.adminToken();
  const rules = (await t.api.get('/api/discount-rules', { token: admin })).body.items;
  expect(rules.find((r: any) => r.id === B.records.discountRule)).toMatchObject({ version: 1 });
  expect(rules.find((r: any) => r.id === B.records.discountRule).validTo).toBeUndefined();
  const items = (await t.api.get('/api/service-items', { token: admin })).body.items;
  expect(items.find((i: any) => i.id === B.records.serviceItem)).toMatchObject({
    price: 6000,
    retired: false,
  });
  const elderRecord = await t.api.get(`/api/elders/${B.records.elder}`, { token: worker.token });
  expect(elderRecord.status).toBe(200);
  // Not edited, not retired, not moved.
  expect(elderRecord.body).toMatchObject({ name: '乙长者', status: 'active', communityId: B.communityId });
  expect(elderRecord.body.userId ?? elder.id).toBeTruthy();
  // No assessment was recorded for B's elder (their care level unchanged).
  const assessed = await t.api.get(`/api/elders/${B.records.elder}/assessments`, { token: worker.token });
  expect(assessed.body.items).toEqual([]);
  expect(elderRecord.body).not.toHaveProperty('careLevel');
  // No cash slipped onto B's card, and B's standing order still runs with its one pause.
  const card = await t.api.get(`/api/elders/${B.records.elder}/card`, { token: worker.token });
  expect(card.body).toMatchObject({ balance: 0, entries: [] });
  // B's elder has the one package B's family bought, untouched; B's package is still on sale.
  const packages = await t.api.get(`/api/elders/${B.records.elder}/packages`, {
    token: B.users.family.token,
  });
  expect(packages.body.items.map((p: any) => [p.month, p.remaining, p.payment.status])).toEqual([
    [chinaMonth(), 4, 'unpaid'],
  ]);
  const catalogue = (await t.api.get('/api/service-packages', { token: admin })).body.items;
  expect(catalogue.find((p: any) => p.id === B.packageId)).toMatchObject({ active: true });
  const standing = await t.api.get(`/api/standing-orders?elderId=${B.records.elder}`, {
    token: B.users.family.token,
  });
  const mine = standing.body.items.find((o: any) => o.id === B.records.standingOrder);
  expect(mine.pauses.map((p: any) => p.id)).toEqual([B.pauseId]);
  expect(mine.status).toBe('active');
  // B's care-call plan still runs.
  const plan = await t.api.get(`/api/care-plans/${B.records.carePlan}`, { token: worker.token });
  expect(plan.body).toMatchObject({ status: 'active', weekdays: [1, 3, 5] });
});
