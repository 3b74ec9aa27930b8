/**
 * Timing of crash recovery for meal orders (./recovery.ts). A placement gives up if it has
 * not created its order within the deadline; the sweep treats a placement as abandoned
 * only after the grace period, which is well past the deadline, so it never undoes a
 * placement that is still running in some process.
 */
export const placementDeadlineMs = () => Number(process.env.ORDER_PLACEMENT_DEADLINE_MS || 15_000);
export const recoveryGraceMs = () =>
  Math.max(Number(process.env.RECOVERY_GRACE_MS || 60_000), 2 * placementDeadlineMs());
