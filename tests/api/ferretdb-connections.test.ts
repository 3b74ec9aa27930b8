/**
 * A burst of updates must not stop the embedded database. FerretDB v1 holds one PostgreSQL
 * connection for an update's query and takes a second for its write; when every one of its
 * connections was held by an update waiting for its second, it stopped answering everyone, for
 * good (seen here: 200 concurrent `updateOne`s from a client of 100 connections, FerretDB's
 * default of 50). bff/src/db/ferretdb.ts gives FerretDB more connections than the BFF's driver
 * may open (bff/src/db/index.ts). A `delete` command closes each statement's read before its
 * write, so deletes of many statements at once (the batched attempt-marker deletes,
 * bff/src/db/batched-writes.ts) hold one connection each. FerretDB only: the atomic backend has
 * no such pool.
 */
import mongoose from 'mongoose';
import { MongoClient } from 'mongodb';
import { startTestServer, workerConnection, type TestServer } from '../harness/server';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.close();
});

const DOCS = 200;
const ROUNDS = 6;

/** Every document updated once per round, all at once; false when a round did not finish in 30 s. */
async function burstsFinish(collection: {
  updateOne(f: object, u: object): Promise<unknown>;
}): Promise<boolean> {
  for (let round = 0; round < ROUNDS; round++) {
    const all = Promise.all(
      Array.from({ length: DOCS }, (_, i) => collection.updateOne({ _id: `d${i}` }, { $inc: { n: 1 } })),
    ).then(() => true);
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30_000).unref());
    if (!(await Promise.race([all, timeout]))) return false;
  }
  return true;
}

test("bursts of updates through the BFF's own connection all finish, each applied once", async () => {
  const coll = mongoose.connection.db!.collection<{ _id: string; n: number }>('burst_app');
  await coll.insertMany(Array.from({ length: DOCS }, (_, i) => ({ _id: `d${i}`, n: 0 })));
  expect(await burstsFinish(coll)).toBe(true);
  const counts = await coll.find({}).toArray();
  expect(counts).toHaveLength(DOCS);
  expect(counts.every((d) => d.n === ROUNDS)).toBe(true);
}, 240_000);

test('the embedded FerretDB outlasts a client with the driver default of 100 connections', async () => {
  const client = await MongoClient.connect(workerConnection().uri, { maxPoolSize: 100 });
  try {
    const coll = client.db(mongoose.connection.name).collection<{ _id: string; n: number }>('burst_raw');
    await coll.insertMany(Array.from({ length: DOCS }, (_, i) => ({ _id: `d${i}`, n: 0 })));
    expect(await burstsFinish(coll)).toBe(true);
    expect(await coll.countDocuments({ n: ROUNDS })).toBe(DOCS);
  } finally {
    await client.close(true);
  }
}, 240_000);

test('many delete commands of many statements at once all finish (each holds one connection at a time)', async () => {
  const COMMANDS = 100;
  const STATEMENTS = 50;
  const client = await MongoClient.connect(workerConnection().uri, { maxPoolSize: 100 });
  try {
    const coll = client.db(mongoose.connection.name).collection<{ _id: string }>('burst_deletes');
    const ids = Array.from({ length: COMMANDS }, (_, c) =>
      Array.from({ length: STATEMENTS }, (_, s) => `c${c}-s${s}`),
    );
    await coll.insertMany(ids.flat().map((_id) => ({ _id })));
    // Held a connection per statement, 100 commands of 50 would want 5,000 of FerretDB's 150.
    const all = Promise.all(
      ids.map((batch) =>
        coll.bulkWrite(
          batch.map((_id) => ({ deleteOne: { filter: { _id } } })),
          { ordered: false },
        ),
      ),
    ).then(() => true);
    const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 60_000).unref());
    expect(await Promise.race([all, timeout])).toBe(true);
    expect(await coll.countDocuments({})).toBe(0);
  } finally {
    await client.close(true);
  }
}, 240_000);
