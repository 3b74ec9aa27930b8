/**
 * Booking a meal: the last portion is sold once, a retried request never books twice,
 * cut-offs follow China time around midnight, a cancellation gives the portion back,
 * and only the elder, linked family and the elder's community worker can book. A phone
 * reading the menu compressed sees the same portions left as any other reader.
 */
import { decode, rawGet } from '../harness/raw-http';
import { startTestServer, type TestServer } from '../harness/server';
import { type TestUser, UNKNOWN_ID } from './fixtures';
import { MealFixtures, type OrderBody } from './meal-fixtures';

let now = new Date('2026-11-30T00:00:00Z'); // 2026-11-30 08:00 China time
const MORNING_BEFORE = new Date('2026-11-30T00:00:00Z');
const DATE = '2026-12-01';

let t: TestServer;
let m: MealFixtures;
let commA: { id: string };
let commB: { id: string };
let canteen: { id: string };
let staff: TestUser;
let workerA: TestUser;
let workerB: TestUser;
let provider: TestUser;
let daughter: TestUser;
let stranger: TestUser;
let elder1: { id: string };
let elder1Login: TestUser;
let elder2: { id: string };
let elder2Login: TestUser;
let elder3: { id: string };

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  commA = await m.community({ name: '关上社区' });
  commB = await m.community({ name: '太和社区' });
  canteen = await m.canteen(commA.id, {
    name: '关上长者食堂',
    slots: [
      { slot: 'breakfast', cutoff: '20:00', cutoffDayBefore: true },
      { slot: 'lunch', cutoff: '10:00' },
      { slot: 'dinner', cutoff: '23:59' },
    ],
    fulfilment: ['dine_in', 'take_away', 'delivery'],
  });
  staff = await m.user('canteen_staff', { canteenId: canteen.id });
  workerA = await m.user('worker', { communityId: commA.id, name: '王助老员' });
  workerB = await m.user('worker', { communityId: commB.id });
  provider = await m.user('provider', { providerId: 'org-1' });
  elder1 = await m.elder(workerA.token, commA.id, { name: '李秀兰', groups: [] });
  elder1Login = await m.elderAccount(workerA.token, elder1.id);
  elder2 = await m.elder(workerA.token, commA.id, { name: '赵德明', birthDate: '1952-07-09', groups: [] });
  elder2Login = await m.elderAccount(workerA.token, elder2.id);
  elder3 = await m.elder(workerA.token, commA.id, {
    name: '钱桂芳',
    birthDate: '1944-02-20',
    gender: 'female',
    groups: [],
  });
  daughter = await m.family('李女士');
  await m.link(elder1Login.token, elder1.id, daughter);
  stranger = await m.family('路人甲');
});
afterAll(() => t.close());
beforeEach(() => {
  now = MORNING_BEFORE;
});

const lunch = (elderId: string, dishId: string, extra: Partial<OrderBody> = {}): OrderBody => ({
  elderId,
  canteenId: canteen.id,
  date: DATE,
  slot: 'lunch',
  items: [{ dishId, qty: 1 }],
  ...extra,
});

describe('the last portions under a lunch rush', () => {
  test('60 people order a dish with 20 portions at once: exactly 20 get it, 40 are told it is sold out, the menu shows 0 left', async () => {
    const pork = await m.dish(staff.token, canteen.id, '红烧肉', 1200);
    const greens = await m.dish(staff.token, canteen.id, '清炒时蔬', 300);
    await m.putMenu(staff.token, canteen.id, DATE, 'lunch', [
      { dishId: pork.id, quota: 20 },
      { dishId: greens.id, quota: 30 },
    ]);

    // Elder 1 books for self, the daughter for elder 1, the worker for elders 2 and 3.
    const bookers: [string, string][] = [
      [elder1Login.token, elder1.id],
      [daughter.token, elder1.id],
      [workerA.token, elder2.id],
      [workerA.token, elder3.id],
    ];
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const [token, elderId] = bookers[i % bookers.length];
        return m.order(token, lunch(elderId, pork.id));
      }),
    );
    const ok = results.filter((r) => r.status === 201);
    const soldOut = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(20);
    expect(soldOut).toHaveLength(40);
    for (const r of soldOut) expect(r.body.error.code).toBe('SOLD_OUT');
    expect(new Set(ok.map((r) => r.body.id)).size).toBe(20);
    expect(new Set(ok.map((r) => r.body.pickupCode)).size).toBe(20);
    for (const r of ok) expect(r.body.status).toBe('placed');

    expect(await m.remaining(canteen.id, DATE, 'lunch', pork.id)).toBe(0);
    expect(await m.remaining(canteen.id, DATE, 'lunch', greens.id)).toBe(30);

    // The kitchen counts exactly 20 portions of it.
    const list = await t.api.get(`/api/canteens/${canteen.id}/orders?date=${DATE}&slot=lunch`, {
      token: staff.token,
    });
    expect(list.status).toBe(200);
    const porkTotal = list.body.totals.find((x: { dishId: string }) => x.dishId === pork.id);
    expect(porkTotal.qty).toBe(20);

    // A latecomer is still told it is sold out.
    const late = await m.order(elder1Login.token, lunch(elder1.id, pork.id));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('SOLD_OUT');
  });

  test('one elder ordering 8 lunches at once gets all 8; the once-a-day subsidy goes to exactly one of them', async () => {
    const rule = await m.rule({
      name: '八十岁以上助餐补贴',
      canteenId: canteen.id,
      minAge: 80,
      benefit: { type: 'amount_off', value: 300 },
      fundedBy: 'government',
      perElderPerSlotPerDay: 1,
      validFrom: '2026-01-01',
    });
    const soup = await m.dish(staff.token, canteen.id, '老鸭汤', 1000);
    await m.putMenu(staff.token, canteen.id, DATE, 'dinner', [{ dishId: soup.id, quota: 50 }]);
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        m.order(workerA.token, { ...lunch(elder3.id, soup.id), slot: 'dinner' }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    const subsidised = results.filter((r) => r.body.pricing.discounts.length > 0);
    expect(subsidised).toHaveLength(1);
    expect(subsidised[0].body.pricing.discounts).toEqual([
      { ruleId: rule.id, name: '八十岁以上助餐补贴', amount: 300, fundedBy: 'government', ruleVersion: 1 },
    ]);
    expect(subsidised[0].body.pricing.payable).toBe(700);
    for (const r of results.filter((x) => x.body.pricing.discounts.length === 0))
      expect(r.body.pricing.payable).toBe(1000);
    expect(await m.remaining(canteen.id, DATE, 'dinner', soup.id)).toBe(42);
  });
});

describe('a retried order (same Idempotency-Key) is booked once', () => {
  let fish: { id: string };
  const date = '2026-12-02';
  beforeAll(async () => {
    fish = await m.dish(staff.token, canteen.id, '清蒸鱼', 1500);
    await m.putMenu(staff.token, canteen.id, date, 'lunch', [{ dishId: fish.id, quota: 10 }]);
  });

  test('5 simultaneous tries with one key all return the same order, one order exists and one portion is taken', async () => {
    const body = { ...lunch(elder2.id, fish.id), date };
    const key = 'retry-key-0001';
    const results = await Promise.all(Array.from({ length: 5 }, () => m.order(elder2Login.token, body, key)));
    for (const r of results) expect([200, 201]).toContain(r.status);
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const ids = new Set(results.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const [id] = ids;
    expect(new Set(results.map((r) => r.body.pickupCode)).size).toBe(1);

    const mine = await t.api.get(`/api/meal-orders?elderId=${elder2.id}&date=${date}`, {
      token: elder2Login.token,
    });
    expect(mine.status).toBe(200);
    expect(mine.body.items.map((o: { id: string }) => o.id)).toEqual([id]);
    expect(await m.remaining(canteen.id, date, 'lunch', fish.id)).toBe(9);

    // Later, the phone retries once more: still the same order, still one portion.
    const again = await m.order(elder2Login.token, body, key);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(id);
    expect(await m.remaining(canteen.id, date, 'lunch', fish.id)).toBe(9);
  });

  test('the same key with a different order is refused (409) and books nothing', async () => {
    const key = 'retry-key-0002';
    const first = await m.order(elder2Login.token, { ...lunch(elder2.id, fish.id), date }, key);
    expect(first.status).toBe(201);
    const other = await m.order(
      elder2Login.token,
      { ...lunch(elder2.id, fish.id), date, items: [{ dishId: fish.id, qty: 2 }] },
      key,
    );
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await m.remaining(canteen.id, date, 'lunch', fish.id)).toBe(8);
  });

  test('an order without an Idempotency-Key is refused (400, naming the header) and books nothing', async () => {
    const before = await m.remaining(canteen.id, date, 'lunch', fish.id);
    const res = await m.order(elder2Login.token, { ...lunch(elder2.id, fish.id), date }, null);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.error.fields)).toMatch(/idempotency-key/i);
    expect(await m.remaining(canteen.id, date, 'lunch', fish.id)).toBe(before);
  });

  test('a key that failed (sold out) can be retried once portions are back, and then books', async () => {
    const crab = await m.dish(staff.token, canteen.id, '蟹粉豆腐', 1800);
    await m.putMenu(staff.token, canteen.id, date, 'dinner', [{ dishId: crab.id, quota: 0 }]);
    const body: OrderBody = { ...lunch(elder1.id, crab.id), date, slot: 'dinner' };
    const first = await m.order(elder1Login.token, body, 'after-sold-out');
    expect(first.status).toBe(409);
    expect(first.body.error.code).toBe('SOLD_OUT');
    await m.putMenu(staff.token, canteen.id, date, 'dinner', [{ dishId: crab.id, quota: 1 }]);
    const second = await m.order(elder1Login.token, body, 'after-sold-out');
    expect(second.status).toBe(201);
    expect(await m.remaining(canteen.id, date, 'dinner', crab.id)).toBe(0);
  });
});

describe('booking cut-offs in China time', () => {
  let porridge: { id: string };
  let noodles: { id: string };
  let rice: { id: string };
  beforeAll(async () => {
    porridge = await m.dish(staff.token, canteen.id, '小米粥', 200);
    noodles = await m.dish(staff.token, canteen.id, '牛肉面', 900);
    rice = await m.dish(staff.token, canteen.id, '扬州炒饭', 800);
    for (const date of ['2026-12-05', '2026-12-06']) {
      await m.putMenu(staff.token, canteen.id, date, 'breakfast', [{ dishId: porridge.id, quota: 50 }]);
      await m.putMenu(staff.token, canteen.id, date, 'lunch', [{ dishId: rice.id, quota: 50 }]);
      await m.putMenu(staff.token, canteen.id, date, 'dinner', [{ dishId: noodles.id, quota: 50 }]);
    }
  });
  const body = (date: string, slot: 'breakfast' | 'lunch' | 'dinner', dishId: string): OrderBody => ({
    elderId: elder1.id,
    canteenId: canteen.id,
    date,
    slot,
    items: [{ dishId, qty: 1 }],
  });

  test('the day menu shows each slot closing at the China-time instant (breakfast the evening before)', async () => {
    const day = await m.menu(canteen.id, '2026-12-05');
    const cutoffs = Object.fromEntries(
      day.slots.map((s: { slot: string; cutoffAt: string }) => [s.slot, s.cutoffAt]),
    );
    expect(cutoffs).toEqual({
      breakfast: '2026-12-04T12:00:00.000Z', // 20:00 China time the day before
      lunch: '2026-12-05T02:00:00.000Z', // 10:00 China time
      dinner: '2026-12-05T15:59:00.000Z', // 23:59 China time
    });
    // A date with no menu published still shows its cut-offs.
    const empty = await m.menu(canteen.id, '2027-01-01');
    expect(empty.slots.find((s: { slot: string }) => s.slot === 'lunch')).toEqual({
      slot: 'lunch',
      cutoffAt: '2027-01-01T02:00:00.000Z',
      items: [],
    });
  });

  test('breakfast (cut-off 20:00 the day before) can be booked at 19:59:59 but not at 20:00 China time the evening before', async () => {
    now = new Date('2026-12-04T11:59:59Z');
    const ok = await m.order(elder1Login.token, body('2026-12-05', 'breakfast', porridge.id));
    expect(ok.status).toBe(201);
    expect(ok.body.cutoffAt).toBe('2026-12-04T12:00:00.000Z');

    now = new Date('2026-12-04T12:00:00Z');
    const late = await m.order(elder1Login.token, body('2026-12-05', 'breakfast', porridge.id));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('PAST_CUTOFF');

    // Just after midnight China time, the next morning's breakfast is closed too…
    now = new Date('2026-12-04T16:30:00Z'); // 2026-12-05 00:30 China time
    const stillLate = await m.order(elder1Login.token, body('2026-12-05', 'breakfast', porridge.id));
    expect(stillLate.status).toBe(409);
    expect(stillLate.body.error.code).toBe('PAST_CUTOFF');
    // …while the day after's is open.
    expect((await m.order(elder1Login.token, body('2026-12-06', 'breakfast', porridge.id))).status).toBe(201);
  });

  test('a slot closing at 23:59 China time takes orders at 23:58:59 and refuses them at 23:59:00 and 23:59:30', async () => {
    now = new Date('2026-12-05T15:58:59Z');
    expect((await m.order(elder1Login.token, body('2026-12-05', 'dinner', noodles.id))).status).toBe(201);
    for (const at of ['2026-12-05T15:59:00Z', '2026-12-05T15:59:30Z']) {
      now = new Date(at);
      const res = await m.order(elder1Login.token, body('2026-12-05', 'dinner', noodles.id));
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('PAST_CUTOFF');
    }
  });

  test("at 00:30 China time the same day's lunch is open; at 09:59:59 still open; at 10:00:00 it is closed (order and quote)", async () => {
    now = new Date('2026-12-05T16:30:00Z'); // 2026-12-06 00:30 China time; UTC still says the 5th
    const early = await m.order(elder1Login.token, body('2026-12-06', 'lunch', rice.id));
    expect(early.status).toBe(201);
    expect(early.body.date).toBe('2026-12-06');
    expect(early.body.cutoffAt).toBe('2026-12-06T02:00:00.000Z');

    now = new Date('2026-12-06T01:59:59Z');
    expect((await m.order(elder1Login.token, body('2026-12-06', 'lunch', rice.id))).status).toBe(201);

    now = new Date('2026-12-06T02:00:00Z');
    const late = await m.order(elder1Login.token, body('2026-12-06', 'lunch', rice.id));
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('PAST_CUTOFF');
    const quote = await m.quote(elder1Login.token, body('2026-12-06', 'lunch', rice.id));
    expect(quote.status).toBe(409);
    expect(quote.body.error.code).toBe('PAST_CUTOFF');
    // Two orders went through, no more.
    expect(await m.remaining(canteen.id, '2026-12-06', 'lunch', rice.id)).toBe(48);
  });

  test('a refused late order takes no portion', async () => {
    const before = await m.remaining(canteen.id, '2026-12-05', 'lunch', rice.id);
    now = new Date('2026-12-05T02:00:01Z');
    expect((await m.order(elder1Login.token, body('2026-12-05', 'lunch', rice.id))).status).toBe(409);
    expect(await m.remaining(canteen.id, '2026-12-05', 'lunch', rice.id)).toBe(before);
  });
});

describe('cancelling gives the portion back', () => {
  const date = '2026-12-03';
  let last: { id: string };
  beforeAll(async () => {
    last = await m.dish(staff.token, canteen.id, '手工饺子', 1000);
    await m.putMenu(staff.token, canteen.id, date, 'lunch', [{ dishId: last.id, quota: 1 }]);
  });
  let firstId: string;
  let secondId: string;

  test('with one portion: elder 1 books it, elder 2 is told sold out; elder 1 cancels (200) and elder 2 then gets it', async () => {
    const first = await m.order(elder1Login.token, lunch(elder1.id, last.id, { date }));
    expect(first.status).toBe(201);
    firstId = first.body.id;
    expect(await m.remaining(canteen.id, date, 'lunch', last.id)).toBe(0);
    const refused = await m.order(workerA.token, lunch(elder2.id, last.id, { date }));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('SOLD_OUT');

    const cancel = await m.cancel(elder1Login.token, firstId);
    expect(cancel.status).toBe(200);
    expect(cancel.body.status).toBe('cancelled');
    expect(await m.remaining(canteen.id, date, 'lunch', last.id)).toBe(1);

    const second = await m.order(workerA.token, lunch(elder2.id, last.id, { date }));
    expect(second.status).toBe(201);
    secondId = second.body.id;
    expect(await m.remaining(canteen.id, date, 'lunch', last.id)).toBe(0);
  });

  test('cancelling an already cancelled order is a conflict (409) and does not give a portion back twice', async () => {
    const again = await m.cancel(elder1Login.token, firstId);
    expect(again.status).toBe(409);
    expect(await m.remaining(canteen.id, date, 'lunch', last.id)).toBe(0);
    const order = await t.api.get(`/api/meal-orders/${firstId}`, { token: elder1Login.token });
    expect(order.body.status).toBe('cancelled');
  });

  test('after the cut-off an order cannot be cancelled (409) and stays booked', async () => {
    now = new Date('2026-12-03T02:00:00Z'); // 10:00 China time on the day
    const late = await m.cancel(workerA.token, secondId);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('PAST_CUTOFF');
    const order = await t.api.get(`/api/meal-orders/${secondId}`, { token: elder2Login.token });
    expect(order.body.status).toBe('placed');
    expect(await m.remaining(canteen.id, date, 'lunch', last.id)).toBe(0);
  });

  test('two simultaneous cancellations of one order: one succeeds, the other is a conflict, one portion goes back', async () => {
    const d = '2026-12-04';
    const cake = await m.dish(staff.token, canteen.id, '发糕', 100);
    await m.putMenu(staff.token, canteen.id, d, 'dinner', [{ dishId: cake.id, quota: 4 }]);
    const o = await m.placed(elder1Login.token, {
      ...lunch(elder1.id, cake.id, { date: d }),
      slot: 'dinner',
    });
    expect(await m.remaining(canteen.id, d, 'dinner', cake.id)).toBe(3);
    const both = await Promise.all([m.cancel(elder1Login.token, o.id), m.cancel(daughter.token, o.id)]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(await m.remaining(canteen.id, d, 'dinner', cake.id)).toBe(4);
  });

  test('cancelling an order for 3 portions gives all 3 back', async () => {
    const d = '2026-12-04';
    const bun = await m.dish(staff.token, canteen.id, '包子', 150);
    await m.putMenu(staff.token, canteen.id, d, 'lunch', [{ dishId: bun.id, quota: 5 }]);
    const o = await m.placed(
      daughter.token,
      lunch(elder1.id, bun.id, { date: d, items: [{ dishId: bun.id, qty: 3 }] }),
    );
    expect(await m.remaining(canteen.id, d, 'lunch', bun.id)).toBe(2);
    expect((await m.cancel(daughter.token, o.id)).status).toBe(200);
    expect(await m.remaining(canteen.id, d, 'lunch', bun.id)).toBe(5);
  });
});

describe('who may book for an elder', () => {
  const date = '2026-12-07';
  let tofu: { id: string };
  beforeAll(async () => {
    tofu = await m.dish(staff.token, canteen.id, '麻婆豆腐', 600);
    await m.putMenu(staff.token, canteen.id, date, 'lunch', [{ dishId: tofu.id, quota: 100 }]);
  });
  const ordersOf = async (elderId: string) =>
    (await t.api.get(`/api/meal-orders?elderId=${elderId}&date=${date}`, { token: workerA.token })).body
      .items;

  test('a family member not linked to the elder can neither book nor get a quote, and learns nothing about the elder', async () => {
    const res = await m.order(stranger.token, lunch(elder1.id, tofu.id, { date }));
    expect([403, 404]).toContain(res.status);
    expect(JSON.stringify(res.body)).not.toContain('李秀兰');
    const q = await m.quote(stranger.token, lunch(elder1.id, tofu.id, { date }));
    expect([403, 404]).toContain(q.status);
    expect(JSON.stringify(q.body)).not.toContain('李秀兰');
    expect(await ordersOf(elder1.id)).toEqual([]);
    expect(await m.remaining(canteen.id, date, 'lunch', tofu.id)).toBe(100);
  });

  test('a worker of another community can neither book nor quote for the elder', async () => {
    expect([403, 404]).toContain((await m.order(workerB.token, lunch(elder2.id, tofu.id, { date }))).status);
    expect([403, 404]).toContain((await m.quote(workerB.token, lunch(elder2.id, tofu.id, { date }))).status);
    expect(await ordersOf(elder2.id)).toEqual([]);
  });

  test('an elder cannot book for another elder', async () => {
    const res = await m.order(elder1Login.token, lunch(elder2.id, tofu.id, { date }));
    expect([403, 404]).toContain(res.status);
    expect(await ordersOf(elder2.id)).toEqual([]);
  });

  test('a provider and canteen staff cannot place meal orders (403); without a login it is 401', async () => {
    const byProvider = await m.order(provider.token, lunch(elder1.id, tofu.id, { date }));
    expect(byProvider.status).toBe(403);
    expect(byProvider.body.error.code).toBe('FORBIDDEN');
    expect((await m.order(staff.token, lunch(elder1.id, tofu.id, { date }))).status).toBe(403);
    expect(
      (
        await t.api.post('/api/meal-orders', lunch(elder1.id, tofu.id, { date }), {
          headers: { 'idempotency-key': 'anon-1' },
        })
      ).status,
    ).toBe(401);
    expect(await ordersOf(elder1.id)).toEqual([]);
  });

  test("the elder's community worker books by phone; the elder then sees the order and that the worker booked it", async () => {
    const res = await m.order(workerA.token, lunch(elder2.id, tofu.id, { date, fulfilment: 'take_away' }));
    expect(res.status).toBe(201);
    expect(res.body.bookedBy).toMatchObject({ userId: workerA.id, role: 'worker' });
    expect(res.body.elderId).toBe(elder2.id);

    const mine = await t.api.get('/api/meal-orders', { token: elder2Login.token });
    expect(mine.status).toBe(200);
    const seen = mine.body.items.find((o: { id: string }) => o.id === res.body.id);
    expect(seen).toBeDefined();
    expect(seen.bookedBy).toMatchObject({ userId: workerA.id, role: 'worker', name: '王助老员' });
    expect(seen.pickupCode).toBe(res.body.pickupCode);
    // …and elder 2 sees none of elder 1's orders.
    expect(mine.body.items.every((o: { elderId: string }) => o.elderId === elder2.id)).toBe(true);
  });

  test('a linked family member books for the elder and is named on the order as family', async () => {
    const res = await m.order(daughter.token, lunch(elder1.id, tofu.id, { date }));
    expect(res.status).toBe(201);
    expect(res.body.bookedBy).toMatchObject({ userId: daughter.id, role: 'family' });
    const mine = await t.api.get(`/api/meal-orders?date=${date}`, { token: elder1Login.token });
    expect(
      mine.body.items.map((o: { id: string; bookedBy: { role: string } }) => [o.id, o.bookedBy.role]),
    ).toEqual([[res.body.id, 'family']]);
    // The stranger still sees nothing of it.
    const theirs = await t.api.get(`/api/meal-orders/${res.body.id}`, { token: stranger.token });
    expect([403, 404]).toContain(theirs.status);
    const list = await t.api.get('/api/meal-orders', { token: stranger.token });
    expect(list.body.items).toEqual([]);
  });

  test("a stranger or another community's worker cannot cancel the elder's order", async () => {
    const o = await m.placed(elder1Login.token, lunch(elder1.id, tofu.id, { date }));
    expect([403, 404]).toContain((await m.cancel(stranger.token, o.id)).status);
    expect([403, 404]).toContain((await m.cancel(workerB.token, o.id)).status);
    const still = await t.api.get(`/api/meal-orders/${o.id}`, { token: elder1Login.token });
    expect(still.body.status).toBe('placed');
  });

  test('an order that also asks for a sold-out dish is refused whole: the other dish keeps its portions', async () => {
    const d = '2026-12-08';
    const a = await m.dish(staff.token, canteen.id, '糖醋排骨', 1600);
    const b = await m.dish(staff.token, canteen.id, '米饭', 100);
    await m.putMenu(staff.token, canteen.id, d, 'lunch', [
      { dishId: a.id, quota: 1 },
      { dishId: b.id, quota: 10 },
    ]);
    const res = await m.order(
      elder1Login.token,
      lunch(elder1.id, a.id, {
        date: d,
        items: [
          { dishId: b.id, qty: 2 },
          { dishId: a.id, qty: 2 },
        ],
      }),
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('SOLD_OUT');
    expect(await m.remaining(canteen.id, d, 'lunch', a.id)).toBe(1);
    expect(await m.remaining(canteen.id, d, 'lunch', b.id)).toBe(10);
  });

  test('a client cannot set its own price, status or booker: unknown or $-prefixed fields are refused (400) and nothing is booked', async () => {
    const base = lunch(elder1.id, tofu.id, { date });
    const before = await m.remaining(canteen.id, date, 'lunch', tofu.id);
    for (const extra of [
      { pricing: { subtotal: 0, discounts: [], deliveryFee: 0, payable: 0 } },
      { status: 'served' },
      { bookedBy: { userId: workerA.id, role: 'worker' } },
      { $where: '1' },
    ]) {
      const res = await m.order(elder1Login.token, { ...base, ...extra } as OrderBody);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    for (const qty of [0, -1, 1.5, 11]) {
      expect((await m.order(elder1Login.token, { ...base, items: [{ dishId: tofu.id, qty }] })).status).toBe(
        400,
      );
    }
    expect(await m.remaining(canteen.id, date, 'lunch', tofu.id)).toBe(before);
  });

  test("ordering a dish that is not on that meal's menu, or for an unknown elder, books nothing", async () => {
    const res = await m.order(elder1Login.token, lunch(elder1.id, UNKNOWN_ID, { date }));
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.fields)).toContain('items.0.dishId');
    const unknownElder = await m.order(workerA.token, lunch(UNKNOWN_ID, tofu.id, { date }));
    expect(unknownElder.status).toBe(404);
  });
});

describe('the day menu as a phone reads it (compressed)', () => {
  const date = '2026-12-10';

  const rawMenu = async (acceptEncoding?: string) => {
    const headers = acceptEncoding ? { 'accept-encoding': acceptEncoding } : undefined;
    const res = await rawGet(`${t.baseUrl}/api/canteens/${canteen.id}/menus/${date}`, headers);
    const text = decode(res).toString('utf8');
    if (res.status !== 200) throw new Error(`menu: ${res.status} ${text}`);
    const { 'content-encoding': encoding, 'content-length': length } = res.headers;
    return { encoding, length, json: JSON.parse(text) };
  };
  const left = (menu: any, dishId: string) =>
    menu.slots
      .find((s: { slot: string }) => s.slot === 'lunch')
      .items.find((i: { dishId: string }) => i.dishId === dishId).remaining;

  test('each booking shows at once in the compressed menu, in the encoding the phone asked for, with its length', async () => {
    // A full canteen menu: well over the 1 KB below which answers are sent uncompressed.
    const names = Array.from({ length: 12 }, (_, i) => `本周特色家常菜第${i + 1}号（少油少盐）`);
    const dishes = await Promise.all(names.map((name, i) => m.dish(staff.token, canteen.id, name, 801 + i)));
    const full = dishes.map((d) => ({ dishId: d.id, quota: 30 }));
    await m.putMenu(staff.token, canteen.id, date, 'lunch', full);
    const dish = dishes[0].id;

    const plain = await rawMenu();
    expect(plain.encoding).toBeUndefined();
    expect(Number(plain.length)).toBeGreaterThan(1024);
    for (const asked of ['gzip, deflate, br', 'br', 'br;q=0.5, gzip']) {
      const read = await rawMenu(asked);
      expect({ asked, encoding: read.encoding }).toEqual({
        asked,
        encoding: asked === 'br;q=0.5, gzip' ? 'gzip' : 'br',
      });
      expect(Number(read.length)).toBeLessThan(Number(plain.length)); // sent whole, with its size
      expect(read.json).toEqual(plain.json);
    }
    expect(left(plain.json, dish)).toBe(30);

    // Each booking and cancellation changes what every phone sees next, however it reads.
    const first = await m.order(elder1Login.token, lunch(elder1.id, dish, { date }));
    expect(first.status).toBe(201);
    expect(left((await rawMenu('br')).json, dish)).toBe(29);
    expect(left((await rawMenu('gzip')).json, dish)).toBe(29);
    expect((await m.order(elder2Login.token, lunch(elder2.id, dish, { date }))).status).toBe(201);
    expect(left((await rawMenu('br')).json, dish)).toBe(28);
    expect(left((await rawMenu()).json, dish)).toBe(28);
    expect((await m.cancel(elder1Login.token, first.body.id)).status).toBe(200);
    expect(left((await rawMenu('gzip, br')).json, dish)).toBe(29);
  });
});
