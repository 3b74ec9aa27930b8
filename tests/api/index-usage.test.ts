/**
 * The embedded database answers the hot queries through an index, proved by PostgreSQL's
 * own plan (FerretDB's `explain`) on collections large enough that PostgreSQL would rather
 * scan than use a useless index. On FerretDB v1 no index of its own is ever used: these
 * are ours (bff/src/db/pg-indexes.ts). Dropping one turns its query into a Seq Scan, which
 * the last test shows — so a missing index fails this file.
 */
import mongoose from 'mongoose';
import pg from 'pg';
import { addDays } from '@yiyangtong/shared';
import '../../bff/src/app'; // registers every model
import { ensureIndexes, indexedFields, openDatabase, type DatabaseHandle } from '../../bff/src/db';
import { analyzeDatabase, dropGinIndex } from '../../bff/src/db/pg-indexes';
import { claimId, orderKeys } from '../../bff/src/orders/model';
import { menuId } from '../../bff/src/menus/model';
import { careCallId, communityDay } from '../../bff/src/care/model';
import { workerConnection } from '../harness/server';

const conn = workerConnection();
const onFerretdb = Boolean(conn.postgresUrl);
const it = onFerretdb ? test : test.skip; // MongoDB plans have another shape (and use its own indexes)

let db: DatabaseHandle;
const dbName = `idx_${process.env.JEST_WORKER_ID}_${Date.now().toString(36)}`;

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

function nodesOf(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];
}

/** What PostgreSQL would do for `filter` on `collection`: the scans and the indexes used. */
async function planOf(collection: string, filter: Record<string, unknown>) {
  const explained = (await mongoose.connection.db!.collection(collection).find(filter).explain()) as {
    queryPlanner: { Plan: PlanNode };
    filterPushdown: boolean;
  };
  const nodes = nodesOf(explained.queryPlanner.Plan);
  return {
    pushedDown: explained.filterPushdown,
    seqScans: nodes.filter((n) => n['Node Type'] === 'Seq Scan').length,
    indexes: nodes.filter((n) => n['Index Name']).map((n) => n['Index Name']!),
  };
}

async function expectIndexScan(collection: string, filter: Record<string, unknown>) {
  const plan = await planOf(collection, filter);
  expect({ collection, filter, ...plan }).toEqual({
    collection,
    filter,
    pushedDown: true,
    seqScans: 0,
    indexes: expect.arrayContaining([expect.stringMatching(/^yyt_gin_/)]),
  });
}

// A district's look-alike data: 5 canteens in 5 communities, 400 elders, 60 days, ~20k orders.
const canteens = Array.from({ length: 5 }, () => String(new mongoose.Types.ObjectId()));
const communities = Array.from({ length: 5 }, () => String(new mongoose.Types.ObjectId()));
const elders = Array.from({ length: 400 }, () => String(new mongoose.Types.ObjectId()));
const slots = ['breakfast', 'lunch', 'dinner'] as const;
const firstDay = '2026-10-01';
let sample: {
  _id: mongoose.Types.ObjectId;
  date: string;
  canteenId: string;
  communityId: string;
  elderId: string;
  pickupCode: string;
  slot: (typeof slots)[number];
};

let care: { communityId: string; elderId: string; date: string };

beforeAll(async () => {
  if (!onFerretdb) return;
  db = await openDatabase({ ...conn, dbName });
  await ensureIndexes();
  const orders = [];
  for (let day = 0; day < 60; day++) {
    const date = addDays(firstDay, day);
    for (let e = 0; e < elders.length; e++) {
      if ((e + day) % 6 === 0) continue;
      const c = e % canteens.length;
      const slot = slots[(e + day) % 3];
      const base = {
        _id: new mongoose.Types.ObjectId(),
        elderId: elders[e],
        elderName: `长者${e}`,
        communityId: communities[c],
        canteenId: canteens[c],
        date,
        slot,
        items: [{ dishId: 'd1', name: '清蒸鲈鱼', price: 900, qty: 1 }],
        fulfilment: 'dine_in',
        pricing: { subtotal: 900, discounts: [], deliveryFee: 0, payable: 900 },
        pickupCode: String(100000 + ((e * 7919 + day * 104729) % 900000)),
        status: 'placed',
        history: [],
        cutoffAt: new Date(`${date}T02:00:00Z`),
        createdAt: new Date(),
      };
      orders.push({ ...base, ...orderKeys(base) });
    }
  }
  const coll = mongoose.connection.db!.collection('meal_orders');
  for (let i = 0; i < orders.length; i += 2000) await coll.insertMany(orders.slice(i, i + 2000));
  sample = orders[Math.floor(orders.length / 2)];
  await mongoose.connection
    .db!.collection('subsidy_claims')
    .insertMany(
      orders
        .slice(0, 5000)
        .map((o) => ({ _id: claimId(o.elderId, o.date, o.slot, 0) as never, orderId: String(o._id) })),
    );
  await mongoose.connection.db!.collection('idempotency_keys').insertMany(
    orders.slice(0, 5000).map((o, i) => ({
      _id: `user${i % 50}:key-${i}` as never,
      requestHash: 'h',
      orderId: String(o._id),
    })),
  );
  const menus = [];
  for (let day = 0; day < 300; day++)
    for (const canteen of canteens)
      for (const slot of slots)
        menus.push({ _id: menuId(canteen, addDays(firstDay, day), slot) as never, items: [], remaining: {} });
  await mongoose.connection.db!.collection('menus').insertMany(menus);
  // Service packages bought: every elder, two packages a month, a year of months.
  const packages = [];
  for (let m = 1; m <= 12; m++)
    for (const elderId of elders)
      for (const p of ['bath', 'clean']) {
        const month = `2026-${String(m).padStart(2, '0')}`;
        packages.push({
          _id: `${elderId}:${p}:${month}` as never,
          elderId,
          elderMonth: `${elderId}:${month}`,
          purchaseId: String(new mongoose.Types.ObjectId()),
          month,
          remaining: 4,
        });
      }
  await mongoose.connection.db!.collection('elder_packages').insertMany(packages);
  // 主动关怀: 5,000 elders on plans in 25 communities, a month of their calls.
  const careCommunities = Array.from({ length: 25 }, () => String(new mongoose.Types.ObjectId()));
  const planned = Array.from({ length: 5000 }, (_, i) => ({
    elderId: String(new mongoose.Types.ObjectId()),
    communityId: careCommunities[i % 25],
  }));
  await mongoose.connection.db!.collection('care_plans').insertMany(
    planned.map((p) => ({
      _id: p.elderId as never,
      ...p,
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      status: 'active',
      since: firstDay,
      seq: 30,
    })),
  );
  const calls = [];
  for (let day = 0; day < 30; day++)
    for (const [i, p] of planned.entries()) {
      if ((i + day) % 3) continue;
      const date = addDays(firstDay, day);
      calls.push({
        _id: careCallId(p.elderId, day + 1) as never,
        ...p,
        date,
        communityDay: communityDay(p.communityId, date),
        seq: day + 1,
        outcome: 'well',
        calledAt: new Date(`${date}T02:00:00Z`),
        escalated: false,
      });
    }
  const callColl = mongoose.connection.db!.collection('care_calls');
  for (let i = 0; i < calls.length; i += 5000) await callColl.insertMany(calls.slice(i, i + 5000));
  care = { communityId: careCommunities[7], elderId: planned[7].elderId, date: addDays(firstDay, 12) };
  await analyzeDatabase(conn.postgresUrl!, dbName);
}, 300_000);

afterAll(async () => {
  if (!db) return;
  await db.connection.dropDatabase().catch(() => undefined);
  await db.close();
});

describe('the hot queries of a year of meals use our indexes', () => {
  it("an order by id, and the elder-facing lists (an elder's month, an elder's day)", async () => {
    await expectIndexScan('meal_orders', { _id: sample._id });
    const keys = orderKeys(sample);
    await expectIndexScan('meal_orders', { elderMonth: keys.elderMonth });
    await expectIndexScan('meal_orders', { elderMonth: keys.elderMonth, date: sample.date });
  });

  it("the counter: a slot's sheet for the staff (and the courier's deliveries) and a check-out by pickup code", async () => {
    const keys = orderKeys(sample);
    await expectIndexScan('meal_orders', { canteenDay: keys.canteenDay, slot: sample.slot });
    await expectIndexScan('meal_orders', { canteenDay: keys.canteenDay, pickupCode: sample.pickupCode });
  });

  it("a community's day for its worker, the district's day for the office, a canteen's month for settlement", async () => {
    const keys = orderKeys(sample);
    await expectIndexScan('meal_orders', { communityDay: keys.communityDay });
    await expectIndexScan('meal_orders', { date: sample.date });
    await expectIndexScan('meal_orders', { canteenMonth: keys.canteenMonth });
  });

  it('a subsidy claim, an idempotency key and a menu by their deterministic ids', async () => {
    await expectIndexScan('subsidy_claims', { _id: claimId(sample.elderId, sample.date, sample.slot, 0) });
    await expectIndexScan('idempotency_keys', { _id: 'user7:key-1207' });
    await expectIndexScan('menus', { _id: menuId(canteens[2], addDays(firstDay, 150), 'lunch') });
  });

  it("an elder's service packages of a month, one by its id (each visit 用套餐 draws from it)", async () => {
    await expectIndexScan('elder_packages', { elderMonth: `${elders[7]}:2026-06` });
    await expectIndexScan('elder_packages', { _id: `${elders[7]}:bath:2026-06` });
  });
});

describe('the care-call list of a day with 5,000 elders on plans uses our indexes', () => {
  it("a community's plans, its calls of one day, a plan and a call by id", async () => {
    await expectIndexScan('care_plans', { communityId: care.communityId });
    await expectIndexScan('care_calls', { communityDay: communityDay(care.communityId, care.date) });
    await expectIndexScan('care_plans', { _id: care.elderId });
    await expectIndexScan('care_calls', { _id: careCallId(care.elderId, 13) });
  });
});

test('every collection has an index behind `_id` and every field its model indexes', async () => {
  if (!onFerretdb) return;
  // 3,000 documents per collection with distinct values: enough that PostgreSQL scans
  // rather than use an index that cannot serve the query.
  const generic = `${dbName}_all`;
  await db.close();
  const all = await openDatabase({ ...conn, dbName: generic });
  try {
    await ensureIndexes();
    const specs = indexedFields();
    for (const spec of specs) {
      const docs = Array.from({ length: 3000 }, (_, i) => {
        const doc: Record<string, unknown> = { _id: `${spec.collection}-${i}` };
        for (const field of spec.fields) {
          // a dotted field is a path into a sub-document ("provider.userId")
          const parts = field.split('.');
          let at = doc;
          for (const p of parts.slice(0, -1)) at = (at[p] ??= {}) as Record<string, unknown>;
          at[parts[parts.length - 1]] = `${field}-${i}`;
        }
        return doc;
      });
      await mongoose.connection.db!.collection(spec.collection).insertMany(docs as never[]);
    }
    await analyzeDatabase(conn.postgresUrl!, generic);
    for (const spec of specs) {
      for (const field of ['_id', ...spec.fields]) {
        const value = field === '_id' ? `${spec.collection}-1717` : `${field}-1717`;
        await expectIndexScan(spec.collection, { [field]: value });
      }
    }
    // No pending list: lookups never scan unmerged entries after a burst of inserts.
    const client = new pg.Client({ connectionString: conn.postgresUrl });
    await client.connect();
    const { rows } = await client.query<{ relname: string; reloptions: string[] | null }>(
      `SELECT c.relname, c.reloptions FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname LIKE 'yyt_gin_%'`,
      [generic],
    );
    await client.end();
    expect(rows.length).toBeGreaterThan(40);
    expect(rows.filter((r) => !(r.reloptions ?? []).includes('fastupdate=off'))).toEqual([]);
    // Each compound index's fields together (e.g. a community's open SOS: communityId + status).
    for (const model of Object.values(mongoose.models)) {
      for (const [keys] of model.schema.indexes()) {
        const fields = Object.keys(keys);
        if (fields.length < 2) continue;
        await expectIndexScan(
          model.collection.collectionName,
          Object.fromEntries(fields.map((f) => [f, `${f}-1717`])),
        );
      }
    }
    expect(specs.map((s) => s.collection)).toEqual(
      expect.arrayContaining([
        'meal_orders',
        'menus',
        'subsidy_claims',
        'idempotency_keys',
        'elders',
        'write_locks',
        'service_orders',
        'sos_alarms',
        'notifications',
        'daily_counters',
        'elder_packages',
        'service_packages',
        'care_plans',
        'care_calls',
      ]),
    );
  } finally {
    await all.connection.dropDatabase().catch(() => undefined);
    await all.close();
    // back to this file's database for the tests that follow
    db = await openDatabase({ ...conn, dbName });
  }
}, 300_000);

it('without its index the staff sheet query scans the whole collection (this check can fail)', async () => {
  const keys = orderKeys(sample);
  await dropGinIndex(conn.postgresUrl!, dbName, 'meal_orders', 'canteenDay');
  const plan = await planOf('meal_orders', { canteenDay: keys.canteenDay, slot: sample.slot });
  expect(plan.seqScans).toBe(1);
  expect(plan.indexes).toEqual([]);
  await ensureIndexes(); // puts it back
  await analyzeDatabase(conn.postgresUrl!, dbName);
  await expectIndexScan('meal_orders', { canteenDay: keys.canteenDay, slot: sample.slot });
});
