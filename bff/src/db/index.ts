/**
 * The one way the app, the scripts and the tests reach the database.
 *
 * - `MONGODB_URI` (or `uri`) set → connect to it. Production: a replica set or Atlas, e.g.
 *   `mongodb+srv://user:pass@cluster/yiyangtong?retryWrites=true&w=majority` or
 *   `mongodb://h1,h2,h3/yiyangtong?replicaSet=rs0&w=majority&readPreference=primary`.
 * - else → start the embedded database (FerretDB v1.24.2 on PostgreSQL 16, ./embedded.ts)
 *   with data in `dataDir`.
 *
 * Compatibility rules (FerretDB v1 and MongoDB both must run our code):
 * - no multi-document transactions: one logical change = one document update;
 * - conditional writes go through `conditionalUpdate` (./write-lock.ts), never a bare
 *   `findOneAndUpdate` with a condition: FerretDB applies them as read-then-write (the
 *   lock's mode is chosen here, from what the server turns out to be);
 * - invariants across processes use unique indexes (E11000 is the answer);
 * - no partial/sparse/TTL/text/geo indexes, no collation, no $lookup/$facet, no projection
 *   on findOneAnd*, no `select:false`, no positional `$`/arrayFilters; aggregation only
 *   $match $group $sort $project $addFields $unwind $count with $sum;
 * - on FerretDB, only equality filters on fields the models index can use an index
 *   (./pg-indexes.ts): key queries on growing collections by equality (a day, a month).
 */
import path from 'node:path';
import mongoose from 'mongoose';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded';
import { FERRETDB_CLIENT_CONNECTIONS, repoRoot } from './ferretdb';
import { ensureGinIndexes, type CollectionIndexSpec } from './pg-indexes';
import { writeLock, writeLockModeFor, type WriteLockMode } from './write-lock';

// Indexes are created explicitly (ensureIndexes): FerretDB's listIndexes reports only
// `unique`, so mongoose's autoIndex/syncIndexes would keep rebuilding them.
mongoose.set('autoIndex', false);
mongoose.set('autoCreate', true);
mongoose.set('strictQuery', true);
// Mongoose records `new Error().stack` on every query (for "Query was already executed"
// messages); with source maps on, formatting it was a few % of a placement's CPU.
mongoose.set('skipOriginalStackTraces', true);

export interface DatabaseHandle {
  kind: 'mongodb' | 'ferretdb';
  /** How conditional writes are made safe (./write-lock.ts). */
  writeLock: WriteLockMode;
  uri: string;
  /** The PostgreSQL under FerretDB (embedded, or given), where our own indexes live. */
  postgresUrl?: string;
  dbName: string;
  connection: mongoose.Connection;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  dbName?: string;
  /** A server to use instead of MONGODB_URI / the embedded one (tests pass theirs). */
  uri?: string;
  /** With `uri`: the server is FerretDB on this PostgreSQL (tests and child processes pass it). */
  postgresUrl?: string;
  /** Where the embedded database keeps its files (default `./data`). */
  dataDir?: string;
  /** Emit the driver's command events (tests count round trips with them). */
  monitorCommands?: boolean;
  /** Overrides WRITE_LOCK (FerretDB only; tests that are one process pass 'process'). */
  writeLock?: 'process' | 'database';
}

let current: DatabaseHandle | undefined;

export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const dbName = opts.dbName ?? process.env.MONGODB_DB ?? 'yiyangtong';
  const given = opts.uri ?? process.env.MONGODB_URI;
  let embedded: EmbeddedDatabase | undefined;
  let uri: string;
  // A FerretDB given by MONGODB_URI: FERRETDB_POSTGRES_URL names its PostgreSQL, for our indexes.
  let postgresUrl = opts.uri ? opts.postgresUrl : process.env.FERRETDB_POSTGRES_URL || undefined;
  if (given) {
    uri = given;
  } else {
    embedded = await startEmbeddedDatabase({ dataDir: opts.dataDir ?? path.join(repoRoot, 'data') });
    uri = `${embedded.uri}/?directConnection=true`;
    postgresUrl = embedded.postgresUrl;
  }
  // On FerretDB, fewer connections than its own to PostgreSQL, or a burst of updates can stop it
  // for good (./ferretdb.ts).
  const connect = (ferretdb: boolean) =>
    mongoose.connect(uri, {
      dbName,
      serverSelectionTimeoutMS: 15_000,
      maxPoolSize: ferretdb ? FERRETDB_CLIENT_CONNECTIONS : undefined,
      monitorCommands: opts.monitorCommands ?? process.env.MONGO_MONITOR === '1',
    });
  let kind: DatabaseHandle['kind'];
  try {
    await connect(Boolean(postgresUrl));
    // A MONGODB_URI may name a FerretDB too: ask the server what it is.
    const buildInfo = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
    kind = postgresUrl || buildInfo.ferretdbVersion ? 'ferretdb' : 'mongodb';
    if (kind === 'ferretdb' && !postgresUrl) {
      // Known only now: connect again, with FerretDB's smaller pool.
      await mongoose.disconnect();
      await connect(true);
    }
  } catch (err) {
    await mongoose.disconnect().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }
  writeLock.mode = writeLockModeFor(kind, Boolean(embedded), opts.writeLock);
  const handle: DatabaseHandle = {
    kind,
    writeLock: writeLock.mode,
    uri,
    postgresUrl,
    dbName,
    connection: mongoose.connection,
    async close() {
      if (current === handle) current = undefined;
      await mongoose.disconnect();
      await embedded?.stop();
    },
  };
  current = handle;
  return handle;
}

/** Collections used without a mongoose model (looked up by `_id` only). */
const RAW_COLLECTIONS = ['write_locks'];

/** For every collection: the fields its model's indexes name (what queries look up by equality). */
export function indexedFields(): CollectionIndexSpec[] {
  const specs: CollectionIndexSpec[] = RAW_COLLECTIONS.map((collection) => ({ collection, fields: [] }));
  for (const model of Object.values(mongoose.models)) {
    const fields = new Set<string>();
    for (const [keys] of model.schema.indexes()) for (const f of Object.keys(keys)) fields.add(f);
    specs.push({ collection: model.collection.collectionName, fields: [...fields] });
  }
  return specs;
}

/**
 * Creates every registered model's collection and indexes (idempotent, safe from several
 * processes). On MongoDB: the models' indexes. On FerretDB: only the unique ones through
 * FerretDB (they enforce E11000; its other indexes are never used by its queries and only
 * slow inserts), and our GIN indexes for `_id` and every indexed field (./pg-indexes.ts).
 */
export async function ensureIndexes(): Promise<void> {
  const ferretdb = current?.kind === 'ferretdb';
  for (const name of RAW_COLLECTIONS)
    await createCollection(() => mongoose.connection.createCollection(name));
  if (!ferretdb) {
    // Meal orders from before the unique `liveSlot`: MongoDB indexes a missing field as null
    // (FerretDB skips it), so each old order gets its own value first (never "the live meal").
    await createCollection(() => mongoose.connection.createCollection('meal_orders'));
    // One update per order, not an update pipeline: mongo-java-server (the atomic test backend)
    // and FerretDB v1 have no pipeline updates. Once the unique index exists this finds by it.
    const orders = mongoose.connection.collection('meal_orders');
    const old = orders.find({ liveSlot: { $exists: false } }, { projection: { _id: 1 } });
    for await (const { _id } of old) {
      await orders.updateOne(
        { _id, liveSlot: { $exists: false } },
        { $set: { liveSlot: `x:${String(_id)}` } },
      );
    }
  }
  for (const model of Object.values(mongoose.models)) {
    await createCollection(() => model.createCollection());
    if (!ferretdb) {
      await model.createIndexes();
      continue;
    }
    for (const [keys, options] of model.schema.indexes()) {
      if (options?.unique) {
        await model.collection.createIndex(keys as Record<string, 1 | -1>, {
          unique: true,
          name: options.name,
        });
      }
    }
  }
  if (ferretdb && current?.postgresUrl) {
    await ensureGinIndexes(current.postgresUrl, current.dbName, indexedFields());
  }
}

async function createCollection(create: () => Promise<unknown>): Promise<void> {
  await create().catch((err: { code?: number }) => {
    if (err.code !== 48) throw err; // 48: NamespaceExists
  });
}

export { isDuplicateKeyError } from './errors';
