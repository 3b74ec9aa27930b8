/**
 * Which write-lock mode the BFF picks on the database the suite runs on: a FerretDB given by
 * URI → `database` (the chain plus a lease; FerretDB's conditional updates are not atomic);
 * the atomic backend (TEST_DATABASE=atomic, mongo-java-server) → `atomic`, as on MongoDB.
 * It guards the atomic run (tests/jest.atomic.config.js): were it to land on FerretDB, or
 * the BFF to take it for FerretDB, the invariant tests there would not test the atomic path.
 */
import mongoose from 'mongoose';
import { openDatabase } from '../../bff/src/db';
import { conditionalUpdate } from '../../bff/src/db/write-lock';
import { workerConnection } from '../harness/server';

const atomic = process.env.TEST_DATABASE === 'atomic';

test(`the BFF takes this database for ${atomic ? 'MongoDB (atomic mode)' : 'FerretDB (database mode)'}`, async () => {
  const db = await openDatabase({ ...workerConnection(), dbName: `wlb_${Date.now().toString(36)}` });
  try {
    expect({ kind: db.kind, writeLock: db.writeLock }).toEqual(
      atomic ? { kind: 'mongodb', writeLock: 'atomic' } : { kind: 'ferretdb', writeLock: 'database' },
    );
    // 50 conditional decrements at once of a stock of 20 sell exactly 20, in either mode.
    const Stock = mongoose.model<{ _id: string; left: number }>(
      'WriteLockBackendStock',
      new mongoose.Schema<{ _id: string; left: number }>(
        { _id: String, left: Number },
        { versionKey: false },
      ),
    );
    await Stock.create({ _id: 's', left: 20 });
    const sold = await Promise.all(
      Array.from({ length: 50 }, () =>
        conditionalUpdate(Stock, 's', { left: { $gte: 1 } }, { $inc: { left: -1 } }),
      ),
    );
    expect(sold.filter(Boolean)).toHaveLength(20);
    expect((await Stock.findById('s').lean())?.left).toBe(0);
    await db.connection.dropDatabase();
  } finally {
    await db.close();
  }
});

test(`a ${atomic ? 'MongoDB' : 'FerretDB'} named by its URI alone gets ${atomic ? "the driver's" : 'the smaller'} connection pool`, async () => {
  // No PostgreSQL URL given, as with MONGODB_URI alone: on FerretDB the driver's default of 100
  // connections could hold all of FerretDB's own and stop it (tests/api/ferretdb-connections.test.ts).
  const { uri } = workerConnection();
  const db = await openDatabase({ uri, dbName: `wlp_${Date.now().toString(36)}` });
  try {
    expect(db.kind).toBe(atomic ? 'mongodb' : 'ferretdb');
    expect(db.connection.getClient().options.maxPoolSize).toBe(atomic ? 100 : 20);
    // The connection made again still works.
    await db.connection.db!.collection('pool_check').insertOne({ _id: 'x' } as never);
    expect(await db.connection.db!.collection('pool_check').countDocuments({})).toBe(1);
    await db.connection.dropDatabase();
  } finally {
    await db.close();
  }
});
