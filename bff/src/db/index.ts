/**
 * The one way the app, the scripts and the tests reach the database.
 *
 * - `MONGODB_URI` (or `uri`) set → connect to it. Production: a replica set or Atlas, e.g.
 *   `mongodb+srv://user:pass@cluster/yiyangtong?retryWrites=true&w=majority` or
 *   `mongodb://h1,h2,h3/yiyangtong?replicaSet=rs0&w=majority&readPreference=primary`.
 * - else → start the embedded FerretDB (SQLite) with data in `dataDir`.
 *
 * Compatibility rules (FerretDB v1 and MongoDB both must run our code):
 * - no multi-document transactions: one logical change = one document update;
 * - conditional writes go through `DocumentWriteLock` (./write-lock.ts), never a bare
 *   `findOneAndUpdate` with a condition: FerretDB applies them as read-then-write;
 * - invariants across processes use unique indexes (E11000 is the answer);
 * - no partial/sparse/TTL/text/geo indexes, no collation, no $lookup/$facet, no projection
 *   on findOneAnd*, no `select:false`, no positional `$`/arrayFilters; aggregation only
 *   $match $group $sort $project $addFields $unwind $count with $sum;
 * - only `_id` lookups are indexed on FerretDB-SQLite: hot documents get deterministic _ids.
 */
import path from 'node:path';
import mongoose from 'mongoose';
import { repoRoot, startFerretdb, type RunningFerretdb } from './ferretdb';

// Indexes are created explicitly (ensureIndexes): FerretDB's listIndexes reports only
// `unique`, so mongoose's autoIndex/syncIndexes would keep rebuilding them.
mongoose.set('autoIndex', false);
mongoose.set('autoCreate', true);
mongoose.set('strictQuery', true);

export interface DatabaseHandle {
  kind: 'mongodb' | 'ferretdb';
  uri: string;
  dbName: string;
  connection: mongoose.Connection;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  dbName?: string;
  /** A server to use instead of MONGODB_URI / the embedded one (tests pass theirs). */
  uri?: string;
  /** Where the embedded FerretDB keeps its files. */
  dataDir?: string;
}

export async function openDatabase(opts: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const dbName = opts.dbName ?? process.env.MONGODB_DB ?? 'yiyangtong';
  const given = opts.uri ?? process.env.MONGODB_URI;
  let ferret: RunningFerretdb | undefined;
  let uri: string;
  if (given) {
    uri = given;
  } else {
    ferret = await startFerretdb({ dataDir: opts.dataDir ?? path.join(repoRoot, 'data', 'ferretdb') });
    uri = `${ferret.uri}/?directConnection=true`;
  }
  try {
    await mongoose.connect(uri, {
      dbName,
      serverSelectionTimeoutMS: 15_000,
      monitorCommands: process.env.MONGO_MONITOR === '1',
    });
  } catch (err) {
    await ferret?.stop();
    throw err;
  }
  return {
    kind: ferret ? 'ferretdb' : 'mongodb',
    uri,
    dbName,
    connection: mongoose.connection,
    async close() {
      await mongoose.disconnect();
      await ferret?.stop();
    },
  };
}

/** Creates every registered model's collection and indexes (idempotent). */
export async function ensureIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    await model.createCollection().catch((err: { code?: number }) => {
      if (err.code !== 48) throw err; // 48: NamespaceExists
    });
    await model.createIndexes();
  }
}

export function isDuplicateKeyError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: number }).code === 11000;
}
