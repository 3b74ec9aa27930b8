/**
 * Starts one database server per jest worker before any test file runs: FerretDB
 * (SQLite, temp data dir, free port), or mongodb-memory-server when MONGOMS_SYSTEM_BINARY
 * names a real `mongod`. Workers find theirs through TEST_MONGO_URIS by JEST_WORKER_ID;
 * each test file then uses a database of its own in it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureFerretdbBuilt, startFerretdb } from '../../bff/src/db/ferretdb';

interface Stoppable {
  stop(): Promise<unknown>;
}

export default async function globalSetup(globalConfig: { maxWorkers: number }): Promise<void> {
  const count = Math.max(1, Math.min(globalConfig.maxWorkers || 1, 4));
  const servers: Stoppable[] = [];
  const uris: string[] = [];
  if (process.env.MONGOMS_SYSTEM_BINARY) {
    const { MongoMemoryServer } = await import('mongodb-memory-server-core');
    for (let i = 0; i < count; i++) {
      const server = await MongoMemoryServer.create({
        binary: { systemBinary: process.env.MONGOMS_SYSTEM_BINARY },
      });
      servers.push(server);
      uris.push(server.getUri().replace(/\/$/, ''));
    }
  } else {
    ensureFerretdbBuilt((m) => process.stdout.write(`${m}\n`));
    const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-ferretdb-'));
    const started = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        startFerretdb({ dataDir: path.join(tmpRoot, `worker-${i + 1}`) }),
      ),
    );
    servers.push(...started, { stop: async () => fs.rmSync(tmpRoot, { recursive: true, force: true }) });
    uris.push(...started.map((s) => s.uri));
  }
  process.env.TEST_MONGO_URIS = JSON.stringify(uris);
  (globalThis as { __yytServers?: Stoppable[] }).__yytServers = servers;
}
