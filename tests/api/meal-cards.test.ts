/**
 * Meal cards (助餐卡), payments and the settlement, over real HTTP against the real database:
 * cash top-ups, card payments at booking, refunds on cancel, 到店付 at check-out, WeChat Pay
 * top-ups through a local server speaking the v3 formats, and the ledger's invariants under
 * concurrency and after simulated crashes.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import {
  applyEntry,
  finishPayment,
  KEEP_DECIDED,
  recordEntry,
  recover,
  undoPayment,
} from '../../bff/src/cards/ledger';
import { CardEntry, MealCard } from '../../bff/src/cards/model';
import { FakeWechatPay, type FakeOrder } from '../harness/fake-wechat-pay';
import { startTestServer, type TestServer } from '../harness/server';
import type { TestUser } from './fixtures';
import { MealFixtures, type OrderBody } from './meal-fixtures';

const now = new Date('2026-11-30T00:00:00Z'); // 08:00 China time
const DATE = '2026-12-01';
const PRICE = 900;
let t: TestServer;
let m: MealFixtures;
let fake: FakeWechatPay;
let worker: TestUser;
let staff: TestUser;
let communityId: string;
let canteenId: string;
let dishId: string;

beforeAll(async () => {
  fake = await new FakeWechatPay().start();
  t = await startTestServer({
    clock: () => now,
    wechat: { baseUrl: fake.baseUrl, appId: fake.appId, appSecret: 's', timeoutMs: 5000 },
    wechatPay: fake.config('https://yiyangtong.example.cn/api/payments/wechat/notify'),
  });
  fake.notifyUrlOverride = `${t.baseUrl}/api/payments/wechat/notify`;
  m = new MealFixtures(t);
  communityId = (await m.community()).id;
  canteenId = (await m.canteen(communityId)).id;
  staff = await m.user('canteen_staff', { canteenId });
  worker = await m.user('worker', { communityId });
  dishId = (await m.dish(staff.token, canteenId, '番茄炒蛋', PRICE)).id;
  await m.putMenu(staff.token, canteenId, DATE, 'lunch', [{ dishId, quota: 1000 }]);
}, 60_000);
afterAll(async () => {
  await t.close();
  await fake.stop();
});

/** An elder no discount applies to (55, no group): every meal costs PRICE. */
const plainElder = async () =>
  (await m.elder(worker.token, communityId, { birthDate: '1971-05-01', groups: [] })).id;

const lunch = (elderId: string, payment?: 'card' | 'counter'): OrderBody => ({
  elderId,
  canteenId,
  date: DATE,
  slot: 'lunch',
  items: [{ dishId, qty: 1 }],
  ...(payment ? { payment } : {}),
});

const card = async (elderId: string, token = worker.token) => {
  const res = await t.api.get(`/api/elders/${elderId}/card`, { token });
  expect(res.status).toBe(200);
  return res.body as {
    balance: number;
    entries: {
      id: string;
      kind: string;
      amount: number;
      orderId?: string;
      by: { userId: string; role: string };
    }[];
  };
};
const sum = (entries: { amount: number }[]) => entries.reduce((s, e) => s + e.amount, 0);

const cashTopup = (elderId: string, amount: number, key = randomUUID(), token = worker.token) =>
  t.api.post(
    `/api/elders/${elderId}/card/topups`,
    { amount, method: 'cash' },
    { token, headers: { 'idempotency-key': key } },
  );

describe('cash top-up at the office', () => {
  test('credits the card once per Idempotency-Key and records who took the cash', async () => {
    const elderId = await plainElder();
    const key = randomUUID();
    const first = await cashTopup(elderId, 5000, key);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      kind: 'topup',
      amount: 5000,
      method: 'cash',
      by: { userId: worker.id },
    });
    const again = await cashTopup(elderId, 5000, key);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await card(elderId)).toMatchObject({
      balance: 5000,
      entries: [{ id: first.body.id, amount: 5000 }],
    });
    const reused = await cashTopup(elderId, 6000, key);
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  test('refuses what is not a top-up: family cash, bad amounts, strangers', async () => {
    const elderId = await plainElder();
    const family = await m.family();
    await m.link(worker.token, elderId, family);
    expect((await cashTopup(elderId, 5000, undefined, family.token)).status).toBe(403);
    for (const amount of [0, -100, 12.5, 99, 3_000_00]) {
      const res = await cashTopup(elderId, amount as number);
      expect({ amount, status: res.status, code: res.body.error?.code }).toEqual({
        amount,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    const otherWorker = await m.user('worker', { communityId: (await m.community()).id });
    expect((await cashTopup(elderId, 5000, undefined, otherWorker.token)).status).toBe(404);
    expect((await t.api.get(`/api/elders/${elderId}/card`, { token: otherWorker.token })).status).toBe(404);
    expect((await card(elderId)).balance).toBe(0);
  });
});

describe('paying for meals', () => {
  test('a card order is paid at booking; the elder and family see the entry and who booked', async () => {
    const elderId = await plainElder();
    const family = await m.family();
    await m.link(worker.token, elderId, family);
    await cashTopup(elderId, 2000);
    const res = await m.order(family.token, lunch(elderId, 'card'));
    expect(res.status).toBe(201);
    expect(res.body.payment).toEqual({ method: 'card', amount: PRICE, status: 'paid' });
    const seen = await card(elderId, family.token);
    expect(seen.balance).toBe(2000 - PRICE);
    expect(seen.entries[0]).toMatchObject({
      kind: 'payment',
      amount: -PRICE,
      orderId: res.body.id,
      by: { userId: family.id },
    });
    expect(sum(seen.entries)).toBe(seen.balance);
  });

  test('too small a balance → 409 INSUFFICIENT_BALANCE, portions and the subsidy claim given back', async () => {
    await m.rule({
      name: '80岁以上每餐减3元',
      minAge: 80,
      benefit: { type: 'amount_off', value: 300 },
      fundedBy: 'government',
      perElderPerSlotPerDay: 1,
      validFrom: '2026-01-01',
    });
    const elderId = (await m.elder(worker.token, communityId, { birthDate: '1940-05-01', groups: [] })).id;
    await cashTopup(elderId, 500); // the meal is 9 − 3 = 6 yuan
    const before = await m.remaining(canteenId, DATE, 'lunch', dishId);
    const res = await m.order(worker.token, lunch(elderId, 'card'));
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('INSUFFICIENT_BALANCE');
    expect(res.body.error.message).toContain('¥5.00');
    expect(await m.remaining(canteenId, DATE, 'lunch', dishId)).toBe(before);
    expect(
      (await t.api.get(`/api/meal-orders?elderId=${elderId}`, { token: worker.token })).body.items,
    ).toEqual([]);
    expect(await card(elderId)).toMatchObject({ balance: 500, entries: [{ kind: 'topup' }] });
    // The subsidised slot is free again: after a top-up the same meal gets the 80+ discount.
    await cashTopup(elderId, 500);
    const paid = await m.order(worker.token, lunch(elderId, 'card'));
    expect(paid.status).toBe(201);
    expect(paid.body.pricing.discounts.map((d: { amount: number }) => d.amount)).toEqual([300]);
    expect((await card(elderId)).balance).toBe(1000 - 600);
  });

  test('two concurrent cancels of a card order refund it exactly once', async () => {
    const elderId = await plainElder();
    await cashTopup(elderId, 2000);
    const order = await m.placed(worker.token, lunch(elderId, 'card'));
    const answers = await Promise.all([m.cancel(worker.token, order.id), m.cancel(worker.token, order.id)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect((await m.cancel(worker.token, order.id)).status).toBe(409);
    const seen = await card(elderId);
    expect(seen.balance).toBe(2000);
    expect(seen.entries.filter((e) => e.kind === 'refund')).toEqual([
      expect.objectContaining({ amount: PRICE, orderId: order.id }),
    ]);
    expect(sum(seen.entries)).toBe(2000);
  });

  test('到店付 is the default and is marked collected at check-out, by whom', async () => {
    const elderId = await plainElder();
    const order = await m.placed(worker.token, lunch(elderId));
    expect(order.payment).toEqual({ method: 'counter', amount: PRICE, status: 'unpaid' });
    const served = await t.api.post(
      `/api/canteens/${canteenId}/pickups`,
      { code: order.pickupCode, date: DATE },
      { token: staff.token },
    );
    expect(served.status).toBe(200);
    expect(served.body.payment).toMatchObject({
      method: 'counter',
      status: 'paid',
      collectedBy: { userId: staff.id },
    });
    expect((await card(elderId)).entries).toEqual([]);
  });

  test('batch booking can pay by card: each elder pays from their own card, or gets 409', async () => {
    const rich = await plainElder();
    const poor = await plainElder();
    await cashTopup(rich, 1000);
    const res = await t.api.post(
      '/api/meal-orders/batch',
      {
        elderIds: [rich, poor],
        canteenId,
        date: DATE,
        slot: 'lunch',
        items: [{ dishId, qty: 1 }],
        fulfilment: 'dine_in',
        payment: 'card',
      },
      { token: worker.token, headers: { 'idempotency-key': randomUUID() } },
    );
    expect(res.status).toBe(200);
    expect(
      res.body.results.map((r: { status: number; error?: { code: string } }) => [r.status, r.error?.code]),
    ).toEqual([
      [201, undefined],
      [409, 'INSUFFICIENT_BALANCE'],
    ]);
    expect((await card(rich)).balance).toBe(100);
    expect((await card(poor)).balance).toBe(0);
  });
});

describe('the ledger under load', () => {
  test('100 concurrent payments and refunds on one card: balance = Σ entries, never below zero', async () => {
    const elderId = await plainElder();
    await cashTopup(elderId, 30 * PRICE);
    const placed: string[] = [];
    for (let i = 0; i < 30; i++) placed.push((await m.placed(worker.token, lunch(elderId, 'card'))).id);
    expect((await card(elderId)).balance).toBe(0);
    let lowest = Infinity;
    let watching = true;
    const watch = (async () => {
      while (watching) {
        lowest = Math.min(lowest, (await card(elderId)).balance);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    // 30 cancels (refunds) racing 70 new card payments: only refunded money can pay.
    const results = await Promise.all([
      ...placed.map((id) => m.cancel(worker.token, id).then((r) => ({ kind: 'cancel', ...r }))),
      ...Array.from({ length: 70 }, () =>
        m.order(worker.token, lunch(elderId, 'card')).then((r) => ({ kind: 'order', ...r })),
      ),
    ]);
    watching = false;
    await watch;
    const cancels = results.filter((r) => r.kind === 'cancel');
    const orders = results.filter((r) => r.kind === 'order');
    expect(cancels.every((r) => r.status === 200)).toBe(true);
    expect(
      orders.every(
        (r) => r.status === 201 || (r.status === 409 && r.body.error.code === 'INSUFFICIENT_BALANCE'),
      ),
    ).toBe(true);
    const paidNow = orders.filter((r) => r.status === 201).length;
    expect(paidNow).toBeLessThanOrEqual(30);
    expect(paidNow).toBeGreaterThan(0);
    const seen = await card(elderId);
    expect(lowest).toBeGreaterThanOrEqual(0);
    expect(seen.balance).toBe((30 - paidNow) * PRICE);
    expect(sum(seen.entries)).toBe(seen.balance);
    expect(seen.entries.filter((e) => e.kind === 'refund')).toHaveLength(30);
    expect(seen.entries.filter((e) => e.kind === 'payment')).toHaveLength(30 + paidNow);
    expect(new Set(seen.entries.map((e) => e.id)).size).toBe(seen.entries.length);
  }, 120_000);
});

describe('the ledger without locks', () => {
  const by = () => ({ userId: worker.id, role: 'worker' as const });
  const payment = (elderId: string, amount = PRICE) =>
    recordEntry({
      _id: `pay:${new mongoose.Types.ObjectId().toHexString()}`,
      elderId,
      kind: 'payment',
      amount: -amount,
      by: by(),
      method: 'card',
      at: now,
    }).then((r) => r.entry);
  const stored = async (elderId: string) => {
    const c = (await MealCard.findById(elderId).lean())!;
    const entries = await CardEntry.find({ elderId }).lean();
    return { card: c, entries };
  };

  test('every move on the same payments at once: each counted at most once, the balance = Σ applied', async () => {
    const elderId = await plainElder();
    await cashTopup(elderId, 5 * PRICE);
    const entries = await Promise.all(Array.from({ length: 8 }, () => payment(elderId)));
    // Placing (count, kept in flight), the order written (finish), the order failed (undo),
    // a reader's recovery: all racing, several times each, on 8 payments that cannot all fit.
    await Promise.all(
      entries.flatMap((e) => [
        ...Array.from({ length: 4 }, () => applyEntry(e, { keepInflight: true })),
        ...Array.from({ length: 3 }, () => finishPayment(e)),
        ...Array.from({ length: 3 }, () => undoPayment(e)),
        recover(elderId),
      ]),
    );
    // Whatever is still in flight is decided now, as a request finishing late would.
    await Promise.all(entries.map((e) => finishPayment(e)));
    const { card: c, entries: all } = await stored(elderId);
    expect(c.inflight).toEqual([]);
    const applied = all.filter((e) => e.state === 'applied');
    expect(all.filter((e) => e.state === 'pending')).toEqual([]);
    expect(c.balance).toBe(applied.reduce((s, e) => s + e.amount, 0));
    expect(c.balance).toBeGreaterThanOrEqual(0);
    expect((await card(elderId)).balance).toBe(c.balance);
    expect(sum((await card(elderId)).entries)).toBe(c.balance);
    // Each decision is on the card once: one marker per entry, never both.
    for (const e of entries) {
      const marks = (c.decided ?? []).filter((m) => m.slice(2) === e._id);
      expect(marks).toHaveLength(1);
    }
  }, 60_000);

  test('a top-up applied by many requests and recoveries at once is credited once', async () => {
    const elderId = await plainElder();
    await cashTopup(elderId, 100);
    const { entry } = await recordEntry({
      _id: `topup:TU${randomUUID().replace(/-/g, '')}`,
      elderId,
      kind: 'topup',
      amount: 700,
      by: by(),
      method: 'wechat',
      at: now,
    });
    const outcomes = await Promise.all([
      ...Array.from({ length: 12 }, () => applyEntry(entry)),
      recover(elderId, [entry]),
    ]);
    expect(outcomes.filter(Boolean).every((o) => o!.state === 'applied')).toBe(true);
    expect((await card(elderId)).balance).toBe(800);
    expect((await CardEntry.findById(entry._id).lean())!.state).toBe('applied');
  }, 60_000);

  test('a crash between the card and the entry: the card decided, the entry follows on the next read', async () => {
    const elderId = await plainElder();
    await cashTopup(elderId, 3000);
    const month = `${elderId}:2026-11`;
    const old = new Date(Date.now() - 5 * 60_000);
    const pending = (id: string, kind: string, amount: number) =>
      CardEntry.collection.insertOne({
        _id: id,
        elderId,
        kind,
        amount,
        state: 'pending',
        elderMonth: month,
        by: by(),
        at: now,
        createdAt: old,
      } as never);
    // A refund settled on the card (counted, marked applied), its entry never marked.
    await pending('refund:abcdefabcdefabcdefabcdef', 'refund', 400);
    // A payment dropped on the card (marked void: it never counted), its entry never marked.
    await pending('pay:bbbbbbbbbbbbbbbbbbbbbbbb', 'payment', -PRICE);
    await MealCard.collection.updateOne(
      { _id: elderId } as never,
      {
        $inc: { balance: 400, seq: 1 },
        $push: {
          decided: { $each: ['a:refund:abcdefabcdefabcdefabcdef', 'v:pay:bbbbbbbbbbbbbbbbbbbbbbbb'] },
        },
      } as never,
    );
    const seen = await card(elderId);
    expect(seen.balance).toBe(3400);
    expect(seen.entries.map((e) => e.id)).toContain('refund:abcdefabcdefabcdefabcdef');
    expect(seen.entries.map((e) => e.id)).not.toContain('pay:bbbbbbbbbbbbbbbbbbbbbbbb');
    expect(sum(seen.entries)).toBe(3400);
    expect((await CardEntry.findById('refund:abcdefabcdefabcdefabcdef').lean())!.state).toBe('applied');
    expect((await CardEntry.findById('pay:bbbbbbbbbbbbbbbbbbbbbbbb').lean())!.state).toBe('void');
    expect(await card(elderId)).toEqual(seen);
  });

  test('the card keeps its newest decisions, and every one whose entry is still pending', async () => {
    const elderId = await plainElder();
    await cashTopup(elderId, 100);
    // A decision whose entry a crash left pending, among the oldest markers.
    await CardEntry.collection.insertOne({
      _id: 'refund:cccccccccccccccccccccccc',
      elderId,
      kind: 'refund',
      amount: 1,
      state: 'pending',
      elderMonth: `${elderId}:2026-11`,
      by: by(),
      at: now,
      createdAt: new Date(),
    } as never);
    await MealCard.collection.updateOne(
      { _id: elderId } as never,
      {
        $inc: { balance: 1, seq: 1 },
        $push: { decided: 'a:refund:cccccccccccccccccccccccc' },
      } as never,
    );
    for (let i = 0; i < 2 * KEEP_DECIDED; i++) await applyEntry(await payment(elderId, 1000)); // all too large
    const decided = (await MealCard.findById(elderId).lean())!.decided!;
    expect(decided.length).toBeGreaterThanOrEqual(KEEP_DECIDED);
    expect(decided.length).toBeLessThan(2 * KEEP_DECIDED);
    expect(decided).toContain('a:refund:cccccccccccccccccccccccc');
    expect((await card(elderId)).balance).toBe(101);
  }, 60_000);

  (process.env.TEST_DATABASE === 'atomic' ? test : test.skip)(
    'on MongoDB no card move takes a lease: one held by a dead process blocks nothing',
    async () => {
      const elderId = await plainElder();
      const leases = mongoose.connection.collection<{ _id: string }>('write_locks');
      const held = { owner: 'dead-process', expiresAt: new Date(Date.now() + 3_600_000) };
      await leases.insertMany([
        { _id: `card:${elderId}`, ...held },
        { _id: `meal_cards:${elderId}`, ...held },
      ]);
      try {
        expect((await cashTopup(elderId, 2 * PRICE)).status).toBe(201);
        const placed = await m.placed(worker.token, lunch(elderId, 'card'));
        expect((await m.cancel(worker.token, placed.id)).status).toBe(200);
        expect((await card(elderId)).balance).toBe(2 * PRICE);
      } finally {
        await leases.deleteMany({ _id: { $in: [`card:${elderId}`, `meal_cards:${elderId}`] } });
      }
    },
    20_000,
  );
});

describe('crash recovery', () => {
  const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);
  const raw = (doc: Record<string, unknown>) =>
    CardEntry.collection.insertOne({ state: 'pending', at: now, createdAt: minutesAgo(5), ...doc } as never);

  test('half-done entries left by a crash are finished or dropped on the next read, never counted twice', async () => {
    const elderId = await plainElder();
    await cashTopup(elderId, 3000);
    const by = { userId: worker.id, role: 'worker' };
    const month = `${elderId}:2026-11`;
    const ghostOrder = '0123456789abcdef01234567';
    // A payment applied to the card whose order was never created (crash before the order).
    await raw({
      _id: `pay:${ghostOrder}`,
      elderId,
      kind: 'payment',
      amount: -PRICE,
      orderId: ghostOrder,
      elderMonth: month,
      by,
    });
    // A refund applied to the card, its entry not yet marked (crash after the card write).
    await raw({
      _id: 'refund:feedfacefeedfacefeedface',
      elderId,
      kind: 'refund',
      amount: 400,
      elderMonth: month,
      by,
    });
    await MealCard.collection.updateOne(
      { _id: elderId } as never,
      {
        $inc: { balance: -PRICE + 400, seq: 2 },
        $push: { inflight: { $each: [`pay:${ghostOrder}`, 'refund:feedfacefeedfacefeedface'] } },
      } as never,
    );
    // A top-up recorded but never applied (crash before the card write): money owed.
    await raw({
      _id: 'topup:TUdeadbeefdeadbeefdeadbeef',
      elderId,
      kind: 'topup',
      amount: 700,
      elderMonth: month,
      by,
    });
    // A payment recorded but never applied: dropped.
    await raw({
      _id: 'pay:aaaaaaaaaaaaaaaaaaaaaaaa',
      elderId,
      kind: 'payment',
      amount: -PRICE,
      elderMonth: month,
      by,
    });

    const seen = await card(elderId);
    expect(seen.balance).toBe(3000 + 400 + 700);
    expect(seen.entries.map((e) => e.id).sort()).toEqual(
      [
        seen.entries.find((e) => e.kind === 'topup' && e.amount === 3000)!.id,
        'refund:feedfacefeedfacefeedface',
        'topup:TUdeadbeefdeadbeefdeadbeef',
      ].sort(),
    );
    expect(sum(seen.entries)).toBe(seen.balance);
    expect(await card(elderId)).toEqual(seen); // a second read changes nothing
    expect((await MealCard.findById(elderId).lean())!.inflight).toEqual([]);
  });
});

describe('WeChat Pay top-ups (亲情付)', () => {
  let family: TestUser & { openid: string };
  let elderId: string;

  beforeAll(async () => {
    const login = await t.api.post('/api/auth/wechat', { code: 'family-1' });
    expect(login.status).toBe(200);
    family = { ...login.body.user, token: login.body.token, openid: 'openid-family-1' };
    elderId = await plainElder();
    await m.link(worker.token, elderId, family as TestUser);
  });

  const topup = (amount: number, key = randomUUID(), token = family.token) =>
    t.api.post(
      `/api/elders/${elderId}/card/topups`,
      { amount, method: 'wechat' },
      { token, headers: { 'idempotency-key': key } },
    );

  async function prepaid(amount: number): Promise<{ order: FakeOrder; prepay: any; paymentId: string }> {
    const res = await topup(amount);
    expect(res.status).toBe(201);
    return {
      order: fake.orderOf(res.body.prepay.package),
      prepay: res.body.prepay,
      paymentId: res.body.paymentId,
    };
  }

  test('the prepay is a signed JSAPI order; the card is credited when WeChat notifies, once however often', async () => {
    const key = randomUUID();
    const res = await topup(5000, key);
    expect(res.status).toBe(201);
    const { prepay } = res.body;
    expect(prepay).toMatchObject({
      appId: fake.appId,
      signType: 'RSA',
      package: expect.stringMatching(/^prepay_id=wx/),
    });
    expect(fake.checkPaySign(prepay)).toBe(true);
    const order = fake.orderOf(prepay.package);
    expect(order).toMatchObject({
      amount: { total: 5000, currency: 'CNY' },
      payer: { openid: family.openid },
      out_trade_no: res.body.paymentId,
    });
    expect(fake.requests.every((r) => r.authorizationOk)).toBe(true);
    expect((await topup(5000, key)).body.paymentId).toBe(res.body.paymentId); // same key: same payment
    expect((await card(elderId)).balance).toBe(0); // not paid yet

    const note = fake.notification(order);
    const first = await fake.deliver(order, note);
    expect(first.status).toBe(204);
    // WeChat retries: the same notification again, concurrently, and a fresh one for the same order.
    const retries = await Promise.all([
      fake.deliver(order, note),
      fake.deliver(order, note),
      fake.deliver(order, fake.notification(order)),
    ]);
    expect(retries.map((r) => r.status)).toEqual([204, 204, 204]);
    const seen = await card(elderId, family.token);
    expect(seen.balance).toBe(5000);
    expect(seen.entries).toEqual([
      expect.objectContaining({
        kind: 'topup',
        amount: 5000,
        by: expect.objectContaining({ userId: family.id, role: 'family' }),
      }),
    ]);
    // On the audit log once, as the family member's top-up, however often WeChat told us.
    const log = await t.api.get(`/api/audit?targetType=meal_card&targetId=${elderId}`, {
      token: await m.adminToken(),
    });
    expect(log.body.items).toEqual([
      expect.objectContaining({
        action: 'meal_card.topup',
        actor: expect.objectContaining({ userId: family.id, role: 'family' }),
        changes: [{ field: 'balance', before: 0, after: 5000 }],
      }),
    ]);
  });

  test('forged notifications are refused and credit nothing', async () => {
    const before = (await card(elderId)).balance;
    const { order } = await prepaid(3000);
    const genuine = fake.notification(order);
    const impostor = new FakeWechatPay(); // another key pair
    const stale = Math.floor(Date.now() / 1000) - 600;
    const tamperedBody = genuine.body.replace(
      /"ciphertext":"(.)/,
      (_s, c) => `"ciphertext":"${c === 'A' ? 'B' : 'A'}`,
    );
    const wrongKeyResource = JSON.stringify({
      ...JSON.parse(genuine.body),
      resource: fake.encrypt(fake.transaction(order), 'x'.repeat(32)),
    });
    const amountBody = JSON.stringify({
      ...JSON.parse(genuine.body),
      resource: fake.encrypt(fake.transaction(order, { amount: { total: 300000 } })),
    });
    const forgeries: [string, { headers: Record<string, string>; body: string }, number][] = [
      [
        'signed by another key',
        { headers: fake.sign(genuine.body, { key: impostor.platform.privateKey }), body: genuine.body },
        401,
      ],
      [
        'body changed after signing',
        { headers: genuine.headers, body: genuine.body.replace('支付成功', '支付成功!') },
        401,
      ],
      ['resource tampered (re-signed)', { headers: fake.sign(tamperedBody), body: tamperedBody }, 401],
      [
        'encrypted with another APIv3 key',
        { headers: fake.sign(wrongKeyResource), body: wrongKeyResource },
        401,
      ],
      [
        'stale timestamp',
        { headers: fake.sign(genuine.body, { timestamp: stale }), body: genuine.body },
        401,
      ],
      [
        'unknown platform serial',
        { headers: fake.sign(genuine.body, { serial: 'OTHER' }), body: genuine.body },
        401,
      ],
      ['no signature', { headers: {}, body: genuine.body }, 401],
      ['amount changed', { headers: fake.sign(amountBody), body: amountBody }, 400],
    ];
    for (const [what, n, status] of forgeries) {
      const res = await fake.deliver(order, n);
      expect({ what, status: res.status, code: JSON.parse(res.body).code }).toEqual({
        what,
        status,
        code: 'FAIL',
      });
    }
    expect((await card(elderId)).balance).toBe(before);
    expect((await fake.deliver(order, genuine)).status).toBe(204);
    expect((await card(elderId)).balance).toBe(before + 3000);
  });

  test('without a WeChat identity the family is told to sign in with WeChat; workers cannot pay by WeChat', async () => {
    const phoneFamily = await m.family();
    await m.link(worker.token, elderId, phoneFamily);
    const res = await topup(1000, undefined, phoneFamily.token);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('WECHAT_NOT_BOUND');
    expect((await topup(1000, undefined, worker.token)).status).toBe(403);
  });

  test('a family member tops up and books from the card; the settlement reconciles with the ledger', async () => {
    const { prepay } = await prepaid(2000);
    expect((await fake.pay(prepay)).status).toBe(204);
    const before = (await card(elderId)).balance;
    const order = await m.placed(family.token, lunch(elderId, 'card'));
    const cancelled = await m.placed(family.token, lunch(elderId, 'card'));
    expect((await m.cancel(family.token, cancelled.id)).status).toBe(200);
    expect((await card(elderId)).balance).toBe(before - PRICE);
    expect(order.bookedBy.userId).toBe(family.id);

    const res = await t.api.get(`/api/reports/settlement?canteenId=${canteenId}&month=2026-12`, {
      token: staff.token,
    });
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s.ledger.reconciled).toBe(true);
    expect(s.ledger.mismatches).toEqual([]);
    // Card payments − refunds in the settlement = the card entries of this canteen's orders,
    // read from every elder's statement independently.
    const orders = (await t.api.get(`/api/canteens/${canteenId}/orders?date=${DATE}`, { token: staff.token }))
      .body.items as {
      id: string;
      elderId: string;
      status: string;
      payment: { method: string; amount: number; status: string };
    }[];
    const ids = new Set(orders.map((o) => o.id));
    let fromStatements = 0;
    for (const elder of new Set(orders.map((o) => o.elderId))) {
      for (const e of (await card(elder)).entries)
        if (e.orderId && ids.has(e.orderId) && (e.kind === 'payment' || e.kind === 'refund'))
          fromStatements += e.amount;
    }
    expect(s.payments.card.net).toBe(-fromStatements);
    expect(s.payments.card.paid - s.payments.card.refunded).toBe(-fromStatements);
    expect(s.ledger.net).toBe(s.payments.card.net);
    const live = orders.filter((o) => o.status !== 'cancelled');
    expect(s.payments.card.net).toBe(
      live.filter((o) => o.payment.method === 'card').reduce((a, o) => a + o.payment.amount, 0),
    );
    expect(s.payments.counter.collected).toBe(
      live
        .filter((o) => o.payment.method === 'counter' && o.payment.status === 'paid')
        .reduce((a, o) => a + o.payment.amount, 0),
    );
    expect(s.payments.counter.collected).toBeGreaterThan(0);
    expect(s.payments.card.net + s.payments.counter.payable).toBe(s.payable);
  });
});
