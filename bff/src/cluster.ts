/**
 * `npm run start:cluster` runs this (compiled: bff/dist/cluster.js): the BFF on several
 * processes sharing one port (node:cluster), `WORKERS` of them (default: one per CPU).
 *
 * The primary serves nothing. It starts the embedded database once (or uses MONGODB_URI),
 * creates the indexes, the first admin and the demo district, then forks the workers and
 * starts a new one when one dies. Every worker on the embedded FerretDB runs with
 * WRITE_LOCK=database: its conditional writes are not atomic, so the per-document write lock
 * must hold across processes (bff/src/db/write-lock.ts). With MONGODB_URI, WRITE_LOCK is left
 * as the operator set it: the database layer decides (MongoDB: atomic updates, no lease).
 *
 * SIGTERM/SIGINT to the primary: every worker stops gracefully (core/shutdown.ts), then the
 * embedded database stops, then the primary exits 0.
 */
import { scrubPersonalData } from '@yiyangtong/shared';
import cluster, { type Worker } from 'node:cluster';
import os from 'node:os';
import { createApp } from './app';
import { startRecovery } from './core/recovery';
import { stopOnSignals } from './core/shutdown';
import { openDatabase } from './db';
import { startEmbeddedDatabase } from './db/embedded';
import { FERRETDB_CLIENT_CONNECTIONS, FERRETDB_PG_CONNECTIONS } from './db/ferretdb';
import { createLogger } from './log';
import { schedulerFromEnv } from './standing-orders/scheduler';
import { dataDirFromEnv, listen, prepareDatabase, printBanner, serverConfig } from './server';

// How the primary tells its workers where the embedded database is.
const DB_URI_ENV = 'YYT_CLUSTER_DB_URI';
const PG_URL_ENV = 'YYT_CLUSTER_PG_URL';
/** A worker dying sooner than this after its start is restarted after a pause (no busy crash loop). */
const QUICK_DEATH_MS = 5_000;

/**
 * On the embedded FerretDB, all workers' connections together must stay below FerretDB's own
 * to PostgreSQL (db/ferretdb.ts), with one process's worth left for the primary and scripts;
 * more processes than this only queue in FerretDB anyway.
 */
const MAX_WORKERS_ON_FERRETDB = Math.floor((FERRETDB_PG_CONNECTIONS - 1) / FERRETDB_CLIENT_CONNECTIONS) - 1;

function workerCount(embedded: boolean): number {
  const n = Number(process.env.WORKERS || os.availableParallelism());
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`WORKERS must be a whole number ≥ 1 (got "${process.env.WORKERS}")`);
  return embedded ? Math.min(n, MAX_WORKERS_ON_FERRETDB) : n;
}

async function primary(): Promise<void> {
  const useEmbedded = !process.env.MONGODB_URI;
  const workers = workerCount(useEmbedded);
  const dataDir = dataDirFromEnv();
  // Before any worker: a persisted secret is created here once, never by two workers at once.
  const config = serverConfig(dataDir);
  const log = createLogger(config.logLevel).child({ role: 'primary' });

  const embedded = useEmbedded ? await startEmbeddedDatabase({ dataDir }) : undefined;
  const workerEnv: Record<string, string> = {};
  let status: string;
  try {
    if (embedded) {
      workerEnv[DB_URI_ENV] = `${embedded.uri}/?directConnection=true`;
      workerEnv[PG_URL_ENV] = embedded.postgresUrl;
      workerEnv.WRITE_LOCK = 'database';
    }
    // Given a uri, close() only disconnects: the embedded servers stay up for the workers.
    const db = await openDatabase(
      embedded ? { uri: workerEnv[DB_URI_ENV], postgresUrl: embedded.postgresUrl, dataDir } : { dataDir },
    );
    const { createdAdmin, seeded } = await prepareDatabase(config);
    await db.close();
    status = `database: ${db.kind}, ${workers} worker processes${createdAdmin ? ', admin created' : ''}${seeded ? ', demo district loaded' : ''}`;
  } catch (err) {
    await embedded?.stop();
    throw err;
  }

  let serving = false;
  let stopping = false;
  const startedAt = new Map<number, number>();
  const fork = (): Worker => {
    const worker = cluster.fork(workerEnv);
    startedAt.set(worker.id, Date.now());
    return worker;
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (!serving) {
      // A worker that cannot start (port taken, database gone) will not start next time either.
      log.error({ code, signal }, 'a worker failed to start; stopping');
      void stop(1);
      return;
    }
    const quick = Date.now() - (startedAt.get(worker.id) ?? 0) < QUICK_DEATH_MS;
    log.error({ pid: worker.process.pid, code, signal }, 'a worker died; starting another');
    setTimeout(fork, quick ? 1_000 : 0);
  });

  const stop = async (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    const exited = alive.map((w) => new Promise((resolve) => w.once('exit', resolve)));
    for (const w of alive) w.process.kill('SIGTERM');
    // Workers cut their own slow requests at shutdownTimeoutMs; this is for a stuck one.
    const kill = setTimeout(
      () => alive.forEach((w) => w.process.kill('SIGKILL')),
      config.shutdownTimeoutMs + 5_000,
    );
    await Promise.all(exited);
    clearTimeout(kill);
    await embedded?.stop();
    process.exit(exitCode);
  };
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stop(0));

  await Promise.all(
    Array.from({ length: workers }, () => new Promise((resolve) => fork().once('listening', resolve))),
  );
  serving = true;
  printBanner(config, status);
}

async function worker(): Promise<void> {
  const config = serverConfig(dataDirFromEnv());
  const log = createLogger(config.logLevel).child({ worker: cluster.worker?.id });
  // No URI from the primary → MONGODB_URI (openDatabase reads it).
  const db = await openDatabase({
    uri: process.env[DB_URI_ENV] || undefined,
    postgresUrl: process.env[PG_URL_ENV] || undefined,
  });
  // Every process repairs what a crashed one left half done (core/recovery.ts: safe in several at once).
  const recovery = await startRecovery(log);
  const { app } = createApp({ config, log });
  const server = await listen(app);
  // Every worker runs the standing-order scheduler: one materialisation per meal is kept by ids.
  const scheduler = schedulerFromEnv(process.env, { clock: config.clock, log });
  stopOnSignals(server, {
    timeoutMs: config.shutdownTimeoutMs,
    log,
    afterClose: async () => {
      await scheduler?.stop();
      await recovery.stop();
      await db.close();
    },
  });
}

(cluster.isPrimary ? primary() : worker()).catch((err) => {
  // Scrubbed like every log line: a start-up error may quote a value (e.g. a duplicate key).
  process.stderr.write(
    scrubPersonalData(`颐养通 failed to start: ${err instanceof Error ? err.message : String(err)}\n`),
  );
  process.exit(1);
});
