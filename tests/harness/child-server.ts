/**
 * A BFF in a process of its own, for tests of what must hold across processes. Reads
 * CHILD_MONGO_URI, CHILD_PG_URL (FerretDB's PostgreSQL), CHILD_DB, CHILD_JWT_SECRET and CHILD_BOOTSTRAP from the environment
 * (WRITE_LOCK too), prints `{"port":N}` once listening, and stops gracefully on SIGTERM/SIGINT.
 */
import { scrubPersonalData } from '@yiyangtong/shared';
import { createApp } from '../../bff/src/app';
import { configFromEnv } from '../../bff/src/config';
import { startRecovery } from '../../bff/src/core/recovery';
import { stopOnSignals } from '../../bff/src/core/shutdown';
import { ensureIndexes, openDatabase } from '../../bff/src/db';
import { createLogger } from '../../bff/src/log';
import { bootstrapAdmin } from '../../bff/src/seed/bootstrap';
import { schedulerFromEnv } from '../../bff/src/standing-orders/scheduler';
import { TEST_ID_CARD_KEY } from './test-keys';

async function main() {
  const env = process.env;
  const db = await openDatabase({
    uri: env.CHILD_MONGO_URI!,
    postgresUrl: env.CHILD_PG_URL || undefined,
    dbName: env.CHILD_DB!,
  });
  await ensureIndexes();
  const config = {
    // ID_CARD_KEY (if given) as `npm start` reads it: a malformed one stops the start.
    ...configFromEnv({ ID_CARD_KEY: env.ID_CARD_KEY }),
    jwtSecret: env.CHILD_JWT_SECRET!,
    bootstrapAdmin: JSON.parse(env.CHILD_ADMIN!),
  };
  config.idCardKey ??= TEST_ID_CARD_KEY;
  if (env.CHILD_BOOTSTRAP === '1') await bootstrapAdmin(config);
  const log = createLogger('error');
  const recovery = await startRecovery(log);
  const { app } = createApp({ config, log });
  // Off unless STANDING_ORDERS_INTERVAL_MS is given (tests of the scheduler's timer).
  const scheduler = env.STANDING_ORDERS_INTERVAL_MS
    ? schedulerFromEnv(env, { clock: config.clock, log })
    : null;
  const server = app.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ port: (server.address() as { port: number }).port })}\n`);
  });
  // The BFF's own graceful stop (SHUTDOWN_TIMEOUT_MS from the environment, as in production).
  stopOnSignals(server, {
    timeoutMs: Number(env.SHUTDOWN_TIMEOUT_MS || 10_000),
    log,
    afterClose: async () => {
      await scheduler?.stop();
      await recovery.stop();
      await db.close();
    },
  });
}

main().catch((err) => {
  // Scrubbed like the BFF's own lines: this file's output is in the suite's scanned logs.
  process.stderr.write(scrubPersonalData(`${err?.stack ?? err}\n`));
  process.exit(1);
});
