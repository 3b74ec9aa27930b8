/**
 * The embedded database used when MONGODB_URI is unset: PostgreSQL 16 (./postgres.ts) with
 * FerretDB v1.24.2 (./ferretdb.ts) in front of it speaking the MongoDB protocol.
 *
 * `dataDir/postgres` holds the data (a second start reuses it); `dataDir/ferretdb` holds
 * FerretDB's state file. Why PostgreSQL and not FerretDB's SQLite backend: on SQLite no
 * lookup, `_id` included, can use an index (see ./pg-indexes.ts and
 * ../shared/notes/db-backends.md), so every request slowed down as a district's orders grew.
 */
import path from 'node:path';
import { startFerretdb } from './ferretdb';
import { startPostgres } from './postgres';

export interface EmbeddedDatabase {
  /** mongodb://127.0.0.1:PORT (no database name). */
  uri: string;
  /** The PostgreSQL under it, for the index module. */
  postgresUrl: string;
  stop(): Promise<void>;
  /** SIGKILL to FerretDB and to PostgreSQL with its backends (crash tests). */
  kill(): void;
}

export async function startEmbeddedDatabase(opts: {
  dataDir: string;
  ports?: { postgres?: number; ferretdb?: number };
}): Promise<EmbeddedDatabase> {
  const postgres = await startPostgres({
    dataDir: path.join(opts.dataDir, 'postgres'),
    port: opts.ports?.postgres,
  });
  let ferret;
  try {
    ferret = await startFerretdb({
      postgresUrl: postgres.url,
      stateDir: path.join(opts.dataDir, 'ferretdb'),
      port: opts.ports?.ferretdb,
    });
  } catch (err) {
    await postgres.stop();
    throw err;
  }
  return {
    uri: ferret.uri,
    postgresUrl: postgres.url,
    async stop() {
      await ferret.stop();
      await postgres.stop();
    },
    kill() {
      ferret.kill();
      postgres.kill();
    },
  };
}
