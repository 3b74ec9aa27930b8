/**
 * Starts the real BFF for one test file: its own database on this worker's server, a
 * real HTTP listener on a free port, the built H5 app when present, logs captured.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { Server } from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createApp } from '../../bff/src/app';
import { configFromEnv, type AppConfig } from '../../bff/src/config';
import { ensureIndexes, openDatabase } from '../../bff/src/db';
import { createLogger } from '../../bff/src/log';
import { bootstrapAdmin } from '../../bff/src/seed/bootstrap';
import { ApiClient } from './client';
import { describeViolations, QueryGuard } from './query-guard';
import { TEST_ID_CARD_KEY } from './test-keys';

export interface TestServer {
  baseUrl: string;
  api: ApiClient;
  admin: { phone: string; password: string; name: string };
  /** Every log line the BFF wrote. */
  logs: string[];
  close(): Promise<void>;
}

export interface WorkerDatabase {
  /** mongodb://host:port (no database name). */
  uri: string;
  /** The PostgreSQL under FerretDB (absent on a real mongod). */
  postgresUrl?: string;
}

export function workerDatabase(): WorkerDatabase {
  const dbs = JSON.parse(process.env.TEST_DATABASES || '[]') as WorkerDatabase[];
  if (!dbs.length)
    throw new Error('TEST_DATABASES is not set: run the tests through jest with tests/jest.config.js');
  const worker = Number(process.env.JEST_WORKER_ID || 1);
  return dbs[(worker - 1) % dbs.length];
}

export function workerMongoUri(): string {
  return workerDatabase().uri;
}

/** A connection string for database `dbName`… on this worker's server. */
export function workerConnection(): { uri: string; postgresUrl?: string } {
  const { uri, postgresUrl } = workerDatabase();
  return { uri: `${uri}/?directConnection=true`, postgresUrl };
}

let fileCounter = 0;

export async function startTestServer(overrides: Partial<AppConfig> = {}): Promise<TestServer> {
  const admin = { phone: '13900009999', password: 'Admin@Test123', name: '测试管理员' };
  const dbName = `t${process.env.JEST_WORKER_ID ?? 0}_${Date.now().toString(36)}_${fileCounter++}_${Math.random().toString(36).slice(2, 6)}`;
  // One process: the in-process lock is the whole story (multi-process tests start child BFFs).
  const db = await openDatabase({
    ...workerConnection(),
    dbName,
    monitorCommands: true,
    writeLock: 'process',
  });
  await ensureIndexes();
  const guard = new QueryGuard();
  guard.install();
  const h5Dir = path.resolve(__dirname, '../../miniapp/dist-h5');
  const config: AppConfig = {
    ...configFromEnv({}),
    jwtSecret: 'test-secret-' + dbName,
    idCardKey: TEST_ID_CARD_KEY,
    bootstrapAdmin: admin,
    h5Dir: fs.existsSync(path.join(h5Dir, 'index.html')) ? h5Dir : undefined,
    ...overrides,
  };
  await bootstrapAdmin(config);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const { app } = createApp({ config, log: createLogger('info', sink) });
  const server: Server = await new Promise((resolve) => {
    const s = http.createServer(guard.track(app.callback())).listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    api: new ApiClient(baseUrl),
    admin,
    logs,
    async close() {
      const closed = new Promise((r) => server.close(r));
      server.closeAllConnections();
      await closed;
      const scans = guard.violations();
      await db.connection.dropDatabase().catch(() => undefined);
      await db.close();
      if (scans.length && process.env.YYT_QUERY_GUARD !== 'report') {
        throw new Error(
          `Queries the database cannot answer through an index (declare the field with schema.index ` +
            `and filter by equality on it):\n${describeViolations(scans)}`,
        );
      }
      if (scans.length) process.stderr.write(`QUERY-GUARD ${describeViolations(scans)}\n`);
    },
  };
}
