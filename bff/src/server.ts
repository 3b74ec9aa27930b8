/**
 * `npm start` runs this (compiled: bff/dist/server.js): opens the database (MONGODB_URI or the
 * embedded FerretDB in ./data), creates the first admin, loads the demo district (SEED_DEMO=0
 * to skip), and serves the API and the H5 app on one port. `cluster.ts` reuses its pieces to
 * run the same on several processes.
 */
import { scrubPersonalData } from '@yiyangtong/shared';
import fs from 'node:fs';
import type { Server } from 'node:http';
import path from 'node:path';
import type Koa from 'koa';
import { createApp } from './app';
import { configFromEnv, type AppConfig } from './config';
import { startRecovery } from './core/recovery';
import { stopOnSignals } from './core/shutdown';
import { persistentSecret } from './core/secrets';
import { ensureIndexes, openDatabase } from './db';
import { repoRoot } from './db/ferretdb';
import { idCardKeyFor, useIdCardKey } from './elders/idcard-crypto';
import { checkIdCardKey, sealPlainIdCardNos } from './elders/idcard-upgrade';
import { createLogger } from './log';
import { bootstrapAdmin } from './seed/bootstrap';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoDistrict } from './seed/demo';
import { schedulerFromEnv } from './standing-orders/scheduler';

export const dataDirFromEnv = () => process.env.DATA_DIR || path.join(repoRoot, 'data');

/** The configuration from the environment plus what is persisted in DATA_DIR (created once). */
export function serverConfig(dataDir: string): AppConfig {
  const h5Dir = process.env.H5_DIR || path.join(repoRoot, 'miniapp', 'dist-h5');
  const base = configFromEnv();
  return {
    ...base,
    jwtSecret: process.env.JWT_SECRET || persistentSecret(dataDir, 'jwt-secret'),
    idCardKey: idCardKeyFor(process.env, dataDir),
    h5Dir: fs.existsSync(path.join(h5Dir, 'index.html')) ? h5Dir : undefined,
  };
}

/**
 * Before serving, once per start: the ID-card key checked against the data (the wrong key
 * stops the start), plain numbers of older data sealed, indexes, the first admin and
 * (SEED_DEMO) the demo district.
 */
export async function prepareDatabase(
  config: AppConfig,
): Promise<{ createdAdmin: boolean; seeded: boolean }> {
  useIdCardKey(config.idCardKey!);
  await checkIdCardKey();
  await sealPlainIdCardNos();
  await ensureIndexes();
  const createdAdmin = await bootstrapAdmin(config);
  const seeded = process.env.SEED_DEMO !== '0' && (await seedDemoDistrict());
  return { createdAdmin, seeded };
}

export async function listen(app: Koa): Promise<Server> {
  const port = Number(process.env.PORT || 3000);
  const host = process.env.HOST || '0.0.0.0';
  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  return server;
}

export function printBanner(config: AppConfig, status: string): void {
  const url = `http://localhost:${Number(process.env.PORT || 3000)}/`;
  const lines = [
    `颐养通 is running: ${url} (API ${url}api, ${status})`,
    `  admin          ${config.bootstrapAdmin.phone} / ${process.env.BOOTSTRAP_ADMIN_PASSWORD ? '(BOOTSTRAP_ADMIN_PASSWORD)' : config.bootstrapAdmin.password}`,
    ...(process.env.SEED_DEMO !== '0'
      ? DEMO_ACCOUNTS.map((a) => `  ${a.role.padEnd(14)} ${a.phone} / ${DEMO_PASSWORD}  ${a.name}`)
      : []),
    config.h5Dir ? '' : '  (H5 app not built: run `npm run build:h5`)',
  ];
  process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);
}

async function main(): Promise<void> {
  const dataDir = dataDirFromEnv();
  const config = serverConfig(dataDir);
  const log = createLogger(config.logLevel);
  const db = await openDatabase({ dataDir });
  let server: Server;
  let prepared: { createdAdmin: boolean; seeded: boolean };
  let recovery: { stop(): Promise<void> } | undefined;
  try {
    prepared = await prepareDatabase(config);
    // Repairs what a crash left half done (orders cut off mid-placement, stuck leases), then keeps watch.
    recovery = await startRecovery(log);
    server = await listen(createApp({ config, log }).app);
  } catch (err) {
    await recovery?.stop();
    await db.close(); // e.g. the port is taken: leave no database processes behind
    throw err;
  }
  const running = recovery;
  // Standing orders become meal orders in every process (STANDING_ORDERS_INTERVAL_MS=0: off).
  const scheduler = schedulerFromEnv(process.env, { clock: config.clock, log });
  const { createdAdmin, seeded } = prepared;
  printBanner(
    config,
    `database: ${db.kind}${createdAdmin ? ', admin created' : ''}${seeded ? ', demo district loaded' : ''}`,
  );
  stopOnSignals(server, {
    timeoutMs: config.shutdownTimeoutMs,
    log,
    afterClose: async () => {
      await scheduler?.stop();
      await running.stop();
      await db.close();
    },
  });
}

if (require.main === module) {
  main().catch((err) => {
    // Scrubbed like every log line: a start-up error may quote a value (e.g. a duplicate key).
    process.stderr.write(
      scrubPersonalData(`颐养通 failed to start: ${err instanceof Error ? err.message : String(err)}\n`),
    );
    process.exit(1);
  });
}
