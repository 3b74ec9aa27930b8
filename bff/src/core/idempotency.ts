/**
 * Once per (caller, Idempotency-Key), for any record a request creates (meal orders, visit
 * bookings, package purchases, top-ups). The key document `keyId` is inserted first, naming
 * the id the new record will get. A repeat with the same request returns the record
 * (`replayed`), or waits while the first attempt is still running; the same key with another
 * request is a 409. A failed attempt deletes the key, so the same key can be tried again.
 *
 * While an attempt runs, its marker `pending:<record id>` exists beside the key (what the
 * recovery sweep looks for after a crash): inserted with the key, deleted once the record
 * exists. Markers, not a `pending` field cleared on the key: clearing a field is an update, one
 * per request and the costliest step of a placement on FerretDB (which runs updates one by one),
 * while the inserts and deletes of requests that arrive together leave as one command
 * (../db/batched-writes.ts). Keys stored before markers carry `pending: true` themselves.
 *
 * Each domain keeps on the key and marker what its own sweep needs to undo a half-done attempt
 * (the `journal`: a `kind`, and for meal orders the menu, elder, date and slot); this module
 * does not know those fields, it stores them as given.
 */
import mongoose, { Schema } from 'mongoose';
import { BatchedDeletes, BatchedInserts } from '../db/batched-writes';
import { isDuplicateKeyError } from '../db/errors';
import { conflict } from './errors';

export interface IdempotencyKeyFields {
  _id: string;
  /** On a key (a marker has none). */
  requestHash?: string;
  /** The id of the record the key names (stored under this name since the first meal orders). */
  orderId: string;
  /** Set until the record exists: on an attempt's marker (`keyId` names its key), or on a key stored before markers. */
  pending?: true;
  /** On a marker: the key of the attempt. */
  keyId?: string;
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

/** The marker of the attempt that creates record `recordId`: unique per attempt. */
export const attemptMarkerId = (recordId: string) => `pending:${recordId}`;

// The keys and markers of requests that arrive together are written together (../db/batched-writes.ts).
const keyInserts = new BatchedInserts<IdempotencyDoc>(IdempotencyKey);
const markerDeletes = new BatchedDeletes(IdempotencyKey);

export async function oncePerKey<T>(opts: {
  keyId: string;
  requestHash: string;
  /** Kept on the key and marker for the recovery sweep (what a half-done attempt may hold). */
  journal: { kind?: string } & Record<string, string>;
  find(id: string): Promise<T | null>;
  create(id: mongoose.Types.ObjectId): Promise<T>;
  messages: { reused: string; inProgress: string };
}): Promise<{ result: T; replayed: boolean }> {
  const { keyId, requestHash } = opts;
  const id = new mongoose.Types.ObjectId();
  const orderId = String(id);
  // As stored, createdAt as the schema's timestamps would set it: hydrating a document to
  // store five strings (and mongoose's per-save stack capture) was 5% of a placement's CPU.
  const key = { _id: keyId, requestHash, orderId, ...opts.journal };
  const marker = { _id: attemptMarkerId(orderId), keyId, orderId, pending: true as const, ...opts.journal };
  const waitUntil = Date.now() + WAIT_MS;
  let marked = false; // our marker is stored
  let keyFreed = true; // no key of ours is left for the sweep to free
  try {
    for (;;) {
      const createdAt = new Date(); // the sweep's grace period counts from the marker's
      const [stored, markerStored] = await Promise.allSettled([
        keyInserts.insert({ ...key, createdAt }),
        marked ? Promise.resolve() : keyInserts.insert({ ...marker, createdAt }),
      ]);
      if (markerStored.status === 'rejected') {
        // Without its marker no sweep would free the key after a crash: give the key back.
        if (stored.status === 'fulfilled') await IdempotencyKey.deleteOne({ _id: keyId, orderId });
        throw markerStored.reason;
      }
      marked = true;
      if (stored.status === 'fulfilled') break;
      if (!isDuplicateKeyError(stored.reason)) throw stored.reason;
      const existing = await IdempotencyKey.findById(keyId).lean();
      if (!existing) {
        // The holder failed and released it: try again, marked afresh.
        await markerDeletes.delete(marker._id);
        marked = false;
        continue;
      }
      if (existing.requestHash !== requestHash)
        throw conflict('IDEMPOTENCY_KEY_REUSED', opts.messages.reused);
      const found = existing.orderId ? await opts.find(existing.orderId) : null;
      if (found) return { result: found, replayed: true };
      if (Date.now() > waitUntil) throw conflict('REQUEST_IN_PROGRESS', opts.messages.inProgress);
      await new Promise((r) => setTimeout(r, 25));
    }
    let result: T;
    try {
      result = await opts.create(id);
    } catch (err) {
      keyFreed = await IdempotencyKey.deleteOne({ _id: keyId, orderId }).then(
        () => true,
        () => false,
      );
      throw err;
    }
    return { result, replayed: false };
  } finally {
    // Done: the record exists, or the key was never ours or is given back. A marker left by a
    // failed delete is the sweep's (it finds the record, or frees the key).
    if (marked && keyFreed) await markerDeletes.delete(marker._id).catch(() => undefined);
  }
}
