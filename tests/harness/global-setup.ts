/**
 * Starts one database server per jest worker before any test file runs: the embedded
 * FerretDB on PostgreSQL (temp data dir, free ports); mongo-java-server when
 * TEST_DATABASE=atomic (the invariant tests' second run, see atomic-server.ts); or
 * mongodb-memory-server when MONGOMS_SYSTEM_BINARY names a real `mongod`. Workers find theirs through TEST_DATABASES
 * ({uri, postgresUrl?} per worker) by JEST_WORKER_ID; each test file then uses a database
 * of its own in it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase } from '../../bff/src/db/embedded';
import { ensureFerretdbBuilt } from '../../bff/src/db/ferretdb';
import { ensureAtomicServerBuilt, startAtomicServer } from './atomic-server';
import { PERSONAL_DATA_DIR, TEST_LOG_DIR } from './personal-data';

interface Stoppable {
  stop(): Promise<unknown>;
}

export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  // Every BFF of this run (in the workers, child processes, `npm start`) copies its logs here,
  // and the harness records the ID numbers and phones it sends: the log scan after the suite
  // (tests/log-scan/) reads both. A fresh start each run.
  if (!process.env.LOG_COPY_DIR) {
    for (const dir of [TEST_LOG_DIR, PERSONAL_DATA_DIR]) fs.rmSync(dir, { recursive: true, force: true });
    process.env.LOG_COPY_DIR = TEST_LOG_DIR;
  }
  const count = Math.max(1, Math.min(globalConfig.maxWorkers || 1, 4));
  const servers: Stoppable[] = [];
  const databases: { uri: string; postgresUrl?: string }[] = [];
  if (process.env.TEST_DATABASE === 'atomic') {
    ensureAtomicServerBuilt();
    const started = await Promise.all(Array.from({ length: count }, () => startAtomicServer()));
    servers.push(...started);
    databases.push(...started.map((s) => ({ uri: s.uri })));
  } else if (process.env.MONGOMS_SYSTEM_BINARY) {
    const { MongoMemoryServer } = await import('mongodb-memory-server-core');
    for (let i = 0; i < count; i++) {
      const server = await MongoMemoryServer.create({
        binary: { systemBinary: process.env.MONGOMS_SYSTEM_BINARY },
      });
      servers.push(server);
      databases.push({ uri: server.getUri().replace(/\/$/, '') });
    }
  } else {
    ensureFerretdbBuilt((m) => process.stdout.write(`${m}\n`));
    const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-ferretdb-'));
    const started = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        startEmbeddedDatabase({ dataDir: path.join(tmpRoot, `worker-${i + 1}`) }),
      ),
    );
    servers.push(...started, { stop: async () => fs.rmSync(tmpRoot, { recursive: true, force: true }) });
    databases.push(...started.map((s) => ({ uri: s.uri, postgresUrl: s.postgresUrl })));
  }
  process.env.TEST_DATABASES = JSON.stringify(databases);
  (globalThis as { __yytServers?: Stoppable[] }).__yytServers = servers;
}
