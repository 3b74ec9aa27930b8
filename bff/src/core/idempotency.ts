/**
 * Once per (caller, Idempotency-Key), for any record a request creates (meal orders, visit
 * bookings, package purchases, top-ups). The key document `keyId` is inserted first, naming
 * the id the new record will get, and stays `pending` until that record exists (what the
 * recovery sweep looks for after a crash). A repeat with the same request returns the record
 * (`replayed`), or waits while the first attempt is still running; the same key with another
 * request is a 409. A failed attempt deletes the key, so the same key can be tried again.
 *
 * Each domain keeps on the key what its own sweep needs to undo a half-done attempt (the
 * `journal`: a `kind`, and for meal orders the menu, elder, date and slot); this module does
 * not know those fields, it stores them as given.
 */
import mongoose, { Schema } from 'mongoose';
import { BatchedInserts } from '../db/batched-writes';
import { isDuplicateKeyError } from '../db/errors';
import { conflict } from './errors';

export interface IdempotencyKeyFields {
  _id: string;
  requestHash: string;
  /** The id of the record the key names (stored under this name since the first meal orders). */
  orderId: string;
  /** Set until the record exists. */
  pending?: true;
  /** What `orderId` names, for the sweep: absent for a meal order, else e.g. 'service', 'package'. */
  kind?: string;
  createdAt: Date;
}

/** A key with the journal fields its domain stored on it. */
export type IdempotencyDoc<Journal extends object = object> = IdempotencyKeyFields & Partial<Journal>;

export const IdempotencyKey = mongoose.model<IdempotencyKeyFields>(
  'IdempotencyKey',
  new Schema<IdempotencyKeyFields>(
    { _id: String, requestHash: String, orderId: String, pending: Boolean, kind: String },
    // strict: false keeps each domain's journal fields as given (they stay top-level, as stored before)
    { timestamps: { createdAt: true, updatedAt: false }, versionKey: false, strict: false },
  ).index({ pending: 1 }),
  'idempotency_keys',
);

const WAIT_MS = 15_000;

// The keys of requests that arrive together are written together (../db/batched-writes.ts).
const keyInserts = new BatchedInserts<IdempotencyDoc>(IdempotencyKey);

export async function oncePerKey<T>(opts: {
  keyId: string;
  requestHash: string;
  /** Kept on the key for the recovery sweep (what a half-done attempt may hold). */
  journal: { kind?: string } & Record<string, string>;
  find(id: string): Promise<T | null>;
  create(id: mongoose.Types.ObjectId): Promise<T>;
  messages: { reused: string; inProgress: string };
}): Promise<{ result: T; replayed: boolean }> {
  const { keyId, requestHash } = opts;
  const id = new mongoose.Types.ObjectId();
  const waitUntil = Date.now() + WAIT_MS;
  for (;;) {
    try {
      // As stored, createdAt as the schema's timestamps would set it: hydrating a document to
      // store five strings (and mongoose's per-save stack capture) was 5% of a placement's CPU.
      await keyInserts.insert({
        _id: keyId,
        requestHash,
        orderId: String(id),
        pending: true,
        ...opts.journal,
        createdAt: new Date(),
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
