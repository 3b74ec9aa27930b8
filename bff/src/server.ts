/**
 * `npm start` runs this: opens the database (MONGODB_URI or the embedded FerretDB in
 * ./data), creates the first admin, loads the demo district (SEED_DEMO=0 to skip), and
 * serves the API and the H5 app on one port.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createApp } from './app';
import { configFromEnv } from './config';
import { persistentSecret } from './core/secrets';
import { ensureIndexes, openDatabase } from './db';
import { repoRoot } from './db/ferretdb';
import { idCardKeyFor, useIdCardKey } from './elders/idcard-crypto';
import { checkIdCardKey, sealPlainIdCardNos } from './elders/idcard-upgrade';
import { createLogger } from './log';
import { bootstrapAdmin } from './seed/bootstrap';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, seedDemoDistrict } from './seed/demo';

async function main(): Promise<void> {
  const dataDir = process.env.DATA_DIR || path.join(repoRoot, 'data');
  const h5Dir = process.env.H5_DIR || path.join(repoRoot, 'miniapp', 'dist-h5');
  const base = configFromEnv();
  const config = {
    ...base,
    jwtSecret: process.env.JWT_SECRET || persistentSecret(dataDir, 'jwt-secret'),
    idCardKey: idCardKeyFor(process.env, dataDir),
    h5Dir: fs.existsSync(path.join(h5Dir, 'index.html')) ? h5Dir : undefined,
  };
  const log = createLogger(config.logLevel);
  const db = await openDatabase({ dataDir });
  useIdCardKey(config.idCardKey);
  // The wrong key: stop the database we started before saying so.
  await checkIdCardKey().catch(async (err) => {
    await db.close();
    throw err;
  });
  await sealPlainIdCardNos();
  await ensureIndexes();
  const createdAdmin = await bootstrapAdmin(config);
  const seeded = process.env.SEED_DEMO !== '0' && (await seedDemoDistrict());
  const { app } = createApp({ config, log });
  const port = Number(process.env.PORT || 3000);
  const host = process.env.HOST || '0.0.0.0';
  const server = app.listen(port, host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));

  const url = `http://localhost:${port}/`;
  const lines = [
    `颐养通 is running: ${url} (API ${url}api, database: ${db.kind}${createdAdmin ? ', admin created' : ''}${seeded ? ', demo district loaded' : ''})`,
    `  admin          ${config.bootstrapAdmin.phone} / ${process.env.BOOTSTRAP_ADMIN_PASSWORD ? '(BOOTSTRAP_ADMIN_PASSWORD)' : config.bootstrapAdmin.password}`,
    ...(process.env.SEED_DEMO !== '0'
      ? DEMO_ACCOUNTS.map((a) => `  ${a.role.padEnd(14)} ${a.phone} / ${DEMO_PASSWORD}  ${a.name}`)
      : []),
    config.h5Dir ? '' : '  (H5 app not built: run `npm run build:h5`)',
  ];
  process.stdout.write(`${lines.filter(Boolean).join('\n')}\n`);

  // A signal may come twice (to the process group and relayed by npm/tsx): stop once, and
  // never let a second one kill us before the database has shut down.
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  process.stderr.write(`颐养通 failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
