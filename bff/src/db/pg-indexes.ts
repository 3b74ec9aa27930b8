/**
 * Indexes FerretDB's own queries can use, on the embedded PostgreSQL.
 *
 * Why this module exists: FerretDB v1.24.2 pushes an equality filter down to PostgreSQL as
 * `_jsonb->'field' @> '"value"'` (`_jsonb #> '{a,b}' @> …` for a dotted path), but the
 * indexes it creates itself are btree indexes on `(_jsonb->'field')`, which cannot serve
 * `@>`. So every lookup, `_id` included, was a sequential scan that grew with the
 * collection. A GIN index on the same expression with `jsonb_path_ops` serves `@>`.
 *
 * FerretDB does not know these indexes exist (they are not in `listIndexes`), so we keep
 * them: for every collection, one index on `_id` and one per field that the models index
 * (`schema.index(...)`), created if missing, then ANALYZE. Idempotent and safe to run from
 * several processes at once; run at every start (ensureIndexes) and by the test harness.
 * Unique indexes stay FerretDB's own: they are what enforces E11000.
 *
 * `fastupdate = off`: with GIN's default pending list, new entries wait unmerged (up to 4 MB)
 * and every lookup scans them; measured after bulk-loading 1M orders, a check-out took 3× as
 * long. Each insert updates the index at once instead.
 *
 * Range filters (`$gt`, `$lt`…), `$in`/`$or` and dotted paths (`a.b`, measured: explain
 * says filterPushdown false) are never pushed down by FerretDB v1: queries on growing
 * collections are keyed by equality on a top-level field (a day, a month, a sheet key).
 */
import { createHash } from 'node:crypto';
import pg from 'pg';

export interface CollectionIndexSpec {
  collection: string;
  /** Top-level field names looked up by equality; `_id` is always added (dotted ones are skipped). */
  fields: string[];
}

/** FerretDB's metadata table in each database's schema: `_id` = collection, `table` = table. */
const METADATA_TABLE = '_ferretdb_database_metadata';

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The expression FerretDB's pushdown uses for a top-level `field`, so that the planner matches it. */
function jsonbPathExpression(field: string): string {
  return `(_jsonb -> ${literal(field)})`;
}

/** PostgreSQL identifiers are at most 63 bytes: a readable prefix plus a hash keeps them unique. */
function ginIndexName(table: string, field: string): string {
  const hash = createHash('sha256').update(`${table}\0${field}`).digest('hex').slice(0, 8);
  const readable = `yyt_gin_${table}_${field}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 50);
  return `${readable}_${hash}`;
}

/** Runs `fn` with a connection of its own to the embedded PostgreSQL, closed afterwards. */
async function withPostgres<T>(postgresUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export interface EnsureResult {
  created: string[];
  tables: number;
}

/**
 * Creates the missing GIN indexes for `specs` in database `dbName` (a PostgreSQL schema of the
 * same name) and ANALYZEs the tables that got new ones. Collections that do not exist yet
 * are skipped; call again after creating them.
 */
/** Collection name → the PostgreSQL table FerretDB keeps it in. */
async function tablesOf(client: pg.Client, dbName: string): Promise<Map<string, string>> {
  const { rows } = await client.query<{ coll: string; tbl: string }>(
    `SELECT _jsonb->>'_id' AS coll, _jsonb->>'table' AS tbl FROM ${ident(dbName)}.${ident(METADATA_TABLE)}`,
  );
  return new Map(rows.map((r) => [r.coll, r.tbl]));
}

export function ensureGinIndexes(
  postgresUrl: string,
  dbName: string,
  specs: CollectionIndexSpec[],
): Promise<EnsureResult> {
  return withPostgres(postgresUrl, async (client) => {
    const created: string[] = [];
    let tables = 0;
    const tableOf = await tablesOf(client, dbName);
    const existing = new Set(
      (
        await client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1', [
          dbName,
        ])
      ).rows.map((r) => r.indexname),
    );
    // Indexes made before fastupdate=off (an older data folder): switch them too.
    await client.query(
      `DO $$ DECLARE r record; BEGIN
         FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = ${literal(dbName)} AND c.relkind = 'i' AND c.relname LIKE 'yyt_gin_%'
                    AND NOT coalesce(c.reloptions @> ARRAY['fastupdate=off'], false)
         LOOP EXECUTE format('ALTER INDEX %I.%I SET (fastupdate = off)', ${literal(dbName)}, r.relname); END LOOP;
       END $$`,
    );
    for (const spec of specs) {
      const table = tableOf.get(spec.collection);
      if (!table) continue;
      tables += 1;
      let added = false;
      for (const field of new Set(['_id', ...spec.fields.filter((f) => !f.includes('.'))])) {
        const name = ginIndexName(table, field);
        if (existing.has(name)) continue;
        try {
          await client.query(
            `CREATE INDEX IF NOT EXISTS ${ident(name)} ON ${ident(dbName)}.${ident(table)} ` +
              `USING gin (${jsonbPathExpression(field)} jsonb_path_ops) WITH (fastupdate = off)`,
          );
          created.push(name);
          added = true;
        } catch (err) {
          // Another process created it at the same moment (IF NOT EXISTS is not race-free).
          const code = (err as { code?: string }).code;
          if (code !== '23505' && code !== '42P07') throw err;
        }
      }
      if (added) await client.query(`ANALYZE ${ident(dbName)}.${ident(table)}`);
    }
    return { created, tables };
  });
}

/** Drops one of our indexes (the explain test proves it then fails). */
export function dropGinIndex(postgresUrl: string, dbName: string, collection: string, field: string) {
  return withPostgres(postgresUrl, async (client) => {
    const table = (await tablesOf(client, dbName)).get(collection);
    if (table)
      await client.query(`DROP INDEX IF EXISTS ${ident(dbName)}.${ident(ginIndexName(table, field))}`);
  });
}

/** ANALYZE every table of a database (after a bulk load; autovacuum does it later anyway). */
export function analyzeDatabase(postgresUrl: string, dbName: string): Promise<void> {
  return withPostgres(postgresUrl, async (client) => {
    const { rows } = await client.query<{ tablename: string }>(
      'SELECT tablename FROM pg_tables WHERE schemaname = $1',
      [dbName],
    );
    for (const r of rows) await client.query(`ANALYZE ${ident(dbName)}.${ident(r.tablename)}`);
  });
}

const PUSHED_DOWN_SCALARS = ['string', 'number', 'boolean'];

function isScalarEquality(value: unknown): boolean {
  if (value === null || value === undefined) return false;
  if (PUSHED_DOWN_SCALARS.includes(typeof value) || value instanceof Date) return true;
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ((v as { _bsontype?: string })._bsontype === 'ObjectId') return true;
    if ('$eq' in v) return isScalarEquality(v.$eq);
  }
  return false;
}

/**
 * Whether FerretDB can answer `filter` through one of our indexes: some top-level field in
 * `indexed` (or `_id`) compared by plain equality. `$in`, `$or`, ranges, regexes, dotted
 * paths and array/object values are filtered in FerretDB after a full scan.
 */
export function isIndexBacked(filter: Record<string, unknown>, indexed: Iterable<string>): boolean {
  const fields = new Set(['_id', ...indexed]);
  return Object.entries(filter).some(([k, v]) => !k.includes('.') && fields.has(k) && isScalarEquality(v));
}
