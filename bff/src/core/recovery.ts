/**
 * Crash recovery: every BFF process repairs what a crashed one left half done, once at start
 * (before serving) and then every `intervalMs`. Each sweep is idempotent and safe to run in
 * several processes at once.
 */
import type { Logger } from 'pino';
import { recoverCareAlarms } from '../care/service';
import { releaseExpiredLeases } from '../db/write-lock';
import { recoverRetirements } from '../elders/retirement';
import { recoverMealOrders } from '../orders/recovery';
import { recoveryGraceMs } from '../orders/recovery-config';
import { recoverPackageGiveBacks } from '../packages/service';

export async function recoverOnce(log?: Logger): Promise<Record<string, number>> {
  const leases = await releaseExpiredLeases();
  const meals = await recoverMealOrders();
  const retirementsFinished = await recoverRetirements();
  const packageVisitsGivenBack = await recoverPackageGiveBacks();
  const careAlarmsRaised = await recoverCareAlarms();
  const report = {
    expiredLeases: leases,
    ...meals,
    retirementsFinished,
    packageVisitsGivenBack,
    careAlarmsRaised,
  };
  if (Object.values(report).some((n) => n > 0)) log?.warn({ recovery: report }, 'recovered after a crash');
  return report;
}

/** Runs `recoverOnce` now and then periodically; `stop()` ends it (and waits for a running sweep). */
export async function startRecovery(
  log: Logger,
  intervalMs = recoveryGraceMs() / 2,
): Promise<{ stop(): Promise<void> }> {
  await recoverOnce(log);
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = recoverOnce(log).catch((err) => log.error({ err }, 'recovery sweep failed'));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
