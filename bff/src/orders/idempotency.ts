/**
 * Once per (caller, Idempotency-Key), for meal orders and visit bookings alike. The key
 * document `keyId` is inserted first, naming the id the new record will get, and stays
 * `pending` until that record exists (what the recovery sweep, ./recovery.ts, looks for after
 * a crash). A repeat with the same request returns the record (`replayed`), or waits while
 * the first attempt is still running; the same key with another request is a 409. A failed
 * attempt deletes the key, so the same key can be tried again.
 */
import mongoose from 'mongoose';
import { conflict } from '../core/errors';
import { isDuplicateKeyError } from '../db/errors';
import { IdempotencyKey, type IdempotencyDoc } from './model';

const WAIT_MS = 15_000;

export async function oncePerKey<T>(opts: {
  keyId: string;
  requestHash: string;
  /** Kept on the key for the recovery sweep (what a half-done attempt may hold). */
  journal: Partial<Pick<IdempotencyDoc, 'kind' | 'menuId' | 'elderId' | 'date' | 'slot'>>;
  find(id: string): Promise<T | null>;
  create(id: mongoose.Types.ObjectId): Promise<T>;
  messages: { reused: string; inProgress: string };
}): Promise<{ result: T; replayed: boolean }> {
  const { keyId, requestHash } = opts;
  const id = new mongoose.Types.ObjectId();
  const waitUntil = Date.now() + WAIT_MS;
  for (;;) {
    try {
      await IdempotencyKey.create({
        _id: keyId,
        requestHash,
        orderId: String(id),
        pending: true,
        ...opts.journal,
      });
      break;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const existing = await IdempotencyKey.findById(keyId).lean();
    if (!existing) continue; // the holder failed and released it: try again
    if (existing.requestHash !== requestHash) throw conflict('IDEMPOTENCY_KEY_REUSED', opts.messages.reused);
    const found = existing.orderId ? await opts.find(existing.orderId) : null;
    if (found) return { result: found, replayed: true };
    if (Date.now() > waitUntil) throw conflict('REQUEST_IN_PROGRESS', opts.messages.inProgress);
    await new Promise((r) => setTimeout(r, 25));
  }
  let result: T;
  try {
    result = await opts.create(id);
  } catch (err) {
    await IdempotencyKey.deleteOne({ _id: keyId }).catch(() => undefined);
    throw err;
  }
  await IdempotencyKey.updateOne({ _id: keyId }, { $unset: { pending: 1 } });
  return { result, replayed: false };
}
