/**
 * The database rules the BFF relies on, checked against the real embedded database
 * (FerretDB on PostgreSQL, or mongod when configured) through mongoose:
 * unique indexes answer E11000, and conditional writes through `conditionalUpdate`
 * never sell the last portion twice — within one process, and across two processes
 * sharing the database ('database' write-lock mode).
 */
import mongoose, { Schema } from 'mongoose';
import { ensureIndexes, isDuplicateKeyError } from '../../bff/src/db';
import { conditionalUpdate, DocumentWriteLock } from '../../bff/src/db/write-lock';
import { idCardCipher } from '../../bff/src/elders/idcard-crypto';
import { startTestServer, type TestServer } from '../harness/server';

interface UniqueThing {
  key: string;
  note?: string;
}
const UniqueThingModel = mongoose.model<UniqueThing>(
  'DbRulesUniqueThing',
  new Schema<UniqueThing>(
    { key: { type: String, required: true }, note: String },
    { versionKey: false },
  ).index({ key: 1 }, { unique: true }),
);

interface StockItem {
  _id: mongoose.Types.ObjectId;
  name: string;
  stock: number;
}
const StockModel = mongoose.model<StockItem>(
  'DbRulesStockItem',
  new Schema<StockItem>({ name: String, stock: { type: Number, required: true } }, { versionKey: false }),
);

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await ensureIndexes();
});
afterAll(() => t?.close());

async function stockItem(stock: number): Promise<string> {
  const doc = await StockModel.create({ name: `dish-${stock}-${Math.random()}`, stock });
  return String(doc._id);
}

const decrement = (id: string, lock?: DocumentWriteLock) =>
  conditionalUpdate<StockItem>(StockModel, id, { stock: { $gte: 1 } }, { $inc: { stock: -1 } }, lock);

// ---------------------------------------------------------------- unique indexes

describe('unique indexes', () => {
  test('a second document with the same unique key is rejected with E11000', async () => {
    await UniqueThingModel.create({ key: 'same', note: 'first' });
    let error: unknown;
    try {
      await UniqueThingModel.create({ key: 'same', note: 'second' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeDefined();
    expect(isDuplicateKeyError(error)).toBe(true);
    expect(String((error as Error).message)).toContain('E11000');
    expect(await UniqueThingModel.countDocuments({ key: 'same' })).toBe(1);
    expect((await UniqueThingModel.findOne({ key: 'same' }).lean())?.note).toBe('first');
  });

  test('a different key is accepted (the index is on the key, not on everything)', async () => {
    await UniqueThingModel.create({ key: 'other-1' });
    await UniqueThingModel.create({ key: 'other-2' });
    expect(await UniqueThingModel.countDocuments({ key: /^other-/ })).toBe(2);
  });

  test('20 simultaneous inserts of one key: exactly one wins, the rest get E11000', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => UniqueThingModel.create({ key: 'contended', note: String(i) })),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.every((r) => isDuplicateKeyError(r.reason))).toBe(true);
    expect(await UniqueThingModel.countDocuments({ key: 'contended' })).toBe(1);
  });

  test('a duplicate string _id (how credentials are keyed) is rejected with E11000', async () => {
    const coll = mongoose.connection.collection<{ _id: string }>('dbrules_keyed');
    await coll.insertOne({ _id: 'phone:13800000000' });
    await expect(coll.insertOne({ _id: 'phone:13800000000' })).rejects.toMatchObject({ code: 11000 });
  });

  test("the app's elder index rejects a second elder with the same ID number", async () => {
    const Elder = mongoose.model('Elder');
    const base = { name: '甲', birthDate: '1950-01-01', communityId: 'c1', address: 'a', createdBy: 'x' };
    // Sealed twice: different ciphertexts (random IVs), one blind index.
    await Elder.create({ ...base, ...idCardCipher().seal('110101195001010015') });
    await expect(
      Elder.create({ ...base, name: '乙', ...idCardCipher().seal('110101195001010015') }),
    ).rejects.toMatchObject({ code: 11000 });
  });
});

// ---------------------------------------------------------------- conditional writes, one process

describe('conditional writes in one process (conditionalUpdate)', () => {
  test('the last portion is sold exactly once: stock 1, 50 buyers at once', async () => {
    const id = await stockItem(1);
    const results = await Promise.all(Array.from({ length: 50 }, () => decrement(id)));
    const sold = results.filter((r) => r !== null);
    expect(sold).toHaveLength(1);
    expect(sold[0]?.stock).toBe(0);
    expect((await StockModel.findById(id).lean())?.stock).toBe(0);
  });

  test('stock 20, 50 buyers at once: exactly 20 sales, each seeing a different remaining count', async () => {
    const id = await stockItem(20);
    const results = await Promise.all(Array.from({ length: 50 }, () => decrement(id)));
    const sold = results.filter((r): r is StockItem => r !== null);
    expect(sold).toHaveLength(20);
    expect(sold.map((r) => r.stock).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect((await StockModel.findById(id).lean())?.stock).toBe(0);
  });

  test('a failed condition changes nothing and answers null', async () => {
    const id = await stockItem(0);
    expect(await decrement(id)).toBeNull();
    expect((await StockModel.findById(id).lean())?.stock).toBe(0);
  });

  test('a missing document answers null', async () => {
    expect(await decrement(String(new mongoose.Types.ObjectId()))).toBeNull();
  });

  test('two dishes sold at the same time keep separate counts', async () => {
    const a = await stockItem(5);
    const b = await stockItem(5);
    const results = await Promise.all([
      ...Array.from({ length: 8 }, () => decrement(a)),
      ...Array.from({ length: 8 }, () => decrement(b)),
    ]);
    expect(results.filter((r) => r !== null)).toHaveLength(10);
    expect((await StockModel.findById(a).lean())?.stock).toBe(0);
    expect((await StockModel.findById(b).lean())?.stock).toBe(0);
  });

  test('a write that throws does not block the writes queued behind it', async () => {
    const id = await stockItem(3);
    const lock = new DocumentWriteLock('process');
    const failing = lock.run(`${StockModel.collection.name}:${id}`, async () => {
      throw new Error('boom');
    });
    const after = Promise.all([decrement(id, lock), decrement(id, lock)]);
    await expect(failing).rejects.toThrow('boom');
    expect((await after).filter((r) => r !== null)).toHaveLength(2);
    expect((await StockModel.findById(id).lean())?.stock).toBe(1);
  });
});

// ---------------------------------------------------------------- two processes ('database' mode)

describe("conditional writes from two processes ('database' write-lock mode)", () => {
  const leases = () =>
    mongoose.connection.collection<{ _id: string; owner: string; expiresAt: Date }>('write_locks');

  async function twoProcesses(stock: number): Promise<{ sold: StockItem[]; id: string }> {
    const id = await stockItem(stock);
    const processA = new DocumentWriteLock('database');
    const processB = new DocumentWriteLock('database');
    // 25 attempts each, interleaved so both queues are busy at once.
    const attempts = Array.from({ length: 50 }, (_, i) => decrement(id, i % 2 === 0 ? processA : processB));
    const results = await Promise.all(attempts);
    return { sold: results.filter((r): r is StockItem => r !== null), id };
  }

  test('stock 1, 25 + 25 buyers through two processes: sold exactly once', async () => {
    const { sold, id } = await twoProcesses(1);
    expect(sold).toHaveLength(1);
    expect((await StockModel.findById(id).lean())?.stock).toBe(0);
  });

  test('stock 20, 25 + 25 buyers through two processes: exactly 20 sales', async () => {
    const { sold, id } = await twoProcesses(20);
    expect(sold).toHaveLength(20);
    expect(sold.map((r) => r.stock).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect((await StockModel.findById(id).lean())?.stock).toBe(0);
  });

  test('no lease is left behind once the writes are done', async () => {
    await twoProcesses(3);
    expect(await leases().countDocuments({ _id: { $regex: `^${StockModel.collection.name}:` } })).toBe(0);
  });

  test('a write waits while another process holds the lease, and goes ahead once it is released', async () => {
    const id = await stockItem(1);
    const key = `${StockModel.collection.name}:${id}`;
    await leases().insertOne({ _id: key, owner: 'other-process', expiresAt: new Date(Date.now() + 60_000) });
    let done = false;
    const pending = decrement(id, new DocumentWriteLock('database')).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(done).toBe(false);
    expect((await StockModel.findById(id).lean())?.stock).toBe(1);
    await leases().deleteOne({ _id: key });
    expect((await pending)?.stock).toBe(0);
  });

  test("a crashed process's expired lease is taken over", async () => {
    const id = await stockItem(1);
    const key = `${StockModel.collection.name}:${id}`;
    await leases().insertOne({ _id: key, owner: 'crashed-process', expiresAt: new Date(Date.now() - 1000) });
    const result = await decrement(id, new DocumentWriteLock('database'));
    expect(result?.stock).toBe(0);
    expect(await leases().countDocuments({ _id: key })).toBe(0);
  });
});
