/**
 * What `refuseRevokedSessions` needs of an account (disabled, tokenVersion), kept in this
 * process for a second so that a signed-in request does not cost a database read.
 *
 * Every change to a User made through mongoose in this process forgets the account at once
 * (hooks in ./model.ts), so here a revoked token is refused on the very next request. A
 * change made by another process (the cluster) is seen within TTL_MS.
 */
export interface SessionState {
  disabled?: boolean;
  tokenVersion?: number;
}

const TTL_MS = 1_000;
const entries = new Map<string, { state: SessionState | null; at: number }>();
/** Raised by every forget: a read that began before a write never caches what it read. */
let generation = 0;

export const sessionGeneration = () => generation;

export function cachedSession(userId: string): SessionState | null | undefined {
  const hit = entries.get(userId);
  return hit && Date.now() - hit.at < TTL_MS ? hit.state : undefined;
}

export function rememberSession(userId: string, state: SessionState | null, readAt: number): void {
  if (readAt !== generation) return;
  if (entries.size > 50_000) entries.clear(); // bound memory; a cold cache only costs reads
  entries.set(userId, { state, at: Date.now() });
}

/** Forgets the accounts a User write may touch: one id when the filter names it, else all. */
export function forgetSessions(filter: Record<string, unknown> | undefined): void {
  generation += 1;
  const id = filter?._id;
  if (
    id !== undefined &&
    (typeof id === 'string' || (typeof id === 'object' && id !== null && !('$in' in id)))
  )
    entries.delete(String(id));
  else entries.clear();
}
