/**
 * Failed attempts at something guessable (a password, an invite code), counted per key within
 * a window: a phone, the caller's IP, the family user trying codes. At the limit every attempt
 * on that key is refused with 429 and `Retry-After` until the window that began with the first
 * failure has passed. One document per key (`_id`), so several BFF processes share the count.
 */
import { isDuplicateKeyError } from '../db/errors';
import { writeLock } from '../db/write-lock';
import { tooManyRequests } from '../core/errors';
import { LoginFailure } from './model';

export interface AttemptLimit {
  maxFailures: number;
  windowMs: number;
}

/** A key and its limit, e.g. `{ key: 'ip:10.0.0.1', limit }`; a phone's key is the phone itself. */
export interface AttemptKey {
  key: string;
  limit: AttemptLimit;
}

/**
 * Throws 429 (with Retry-After) when any of the keys has used up its failures; otherwise
 * returns the keys that have failures counted (so a success clears only what exists).
 */
export async function assertNotLocked(
  keys: AttemptKey[],
  message: string,
  now = Date.now(),
): Promise<Set<string>> {
  const counted = new Set<string>();
  for (const { key, limit } of keys) {
    const failures = await LoginFailure.findById(key).lean();
    if (!failures) continue;
    counted.add(key);
    if (failures.count < limit.maxFailures) continue;
    const endsAt = failures.windowStart.getTime() + limit.windowMs;
    if (now < endsAt) throw tooManyRequests(message, Math.max(1, Math.ceil((endsAt - now) / 1000)));
  }
  return counted;
}

export async function recordFailure({ key, limit }: AttemptKey, now = Date.now()): Promise<void> {
  if (writeLock.mode === 'atomic') return recordFailureAtomically(key, limit, now);
  // Read-modify-write of one document: serialised like every conditional write.
  await writeLock.run(`loginfailures:${key}`, async () => {
    const current = await LoginFailure.findById(key).lean();
    const fresh = !current || now - current.windowStart.getTime() >= limit.windowMs;
    await LoginFailure.updateOne(
      { _id: key },
      fresh ? { $set: { count: 1, windowStart: new Date(now) } } : { $inc: { count: 1 } },
      { upsert: true },
    );
  });
}

/**
 * MongoDB (atomic single-document updates): no lease. Count within the window with one
 * conditional `$inc`; otherwise start a new window by compare-and-set on the old window's
 * start (or insert the first failure: E11000 means another request did, so count again).
 */
async function recordFailureAtomically(key: string, limit: AttemptLimit, now: number): Promise<void> {
  const windowOpenAfter = new Date(now - limit.windowMs);
  for (;;) {
    const counted = await LoginFailure.updateOne(
      { _id: key, windowStart: { $gt: windowOpenAfter } },
      { $inc: { count: 1 } },
    );
    if (counted.matchedCount) return;
    const current = await LoginFailure.findById(key).lean();
    if (!current) {
      try {
        await LoginFailure.create({ _id: key, count: 1, windowStart: new Date(now) });
        return;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
        continue;
      }
    }
    if (current.windowStart.getTime() > windowOpenAfter.getTime()) continue; // reset meanwhile: count in it
    const restarted = await LoginFailure.updateOne(
      { _id: key, windowStart: current.windowStart },
      { $set: { count: 1, windowStart: new Date(now) } },
    );
    if (restarted.matchedCount) return;
  }
}

export async function clearFailures(key: string): Promise<void> {
  if (writeLock.mode === 'atomic') {
    await LoginFailure.deleteOne({ _id: key });
    return;
  }
  await writeLock.run(`loginfailures:${key}`, () => LoginFailure.deleteOne({ _id: key }));
}

/** Minutes, for messages: "请 15 分钟后再试". */
export const minutesOf = (limit: AttemptLimit) => Math.max(1, Math.round(limit.windowMs / 60_000));
