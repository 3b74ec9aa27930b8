/**
 * Serialises conditional writes per document.
 *
 * FerretDB v1 applies `findOneAndUpdate({_id, stock: {$gte: n}}, {$inc: …})` as
 * read-then-write, so two concurrent calls can both pass the condition (measured here:
 * 20 concurrent decrements of a stock of 3 gave 10 successes). Every conditional write
 * therefore goes through `conditionalUpdate`, which runs one write at a time per document:
 *
 * - 'process' mode: a promise chain per document key inside this Node process;
 * - 'database' mode (WRITE_LOCK=database, for several BFF processes on one database):
 *   additionally a lease document `write_locks/{key}` inserted with a unique `_id`;
 *   E11000 means another process holds it, so we retry; a lease older than `leaseMs`
 *   (a crashed holder) is taken over.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { isDuplicateKeyError } from './index';

export type WriteLockMode = 'process' | 'database';

interface LeaseDoc {
  _id: string;
  owner: string;
  expiresAt: Date;
}

export class DocumentWriteLock {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly owner = randomUUID();

  constructor(
    readonly mode: WriteLockMode = (process.env.WRITE_LOCK as WriteLockMode) === 'database'
      ? 'database'
      : 'process',
    private readonly leaseMs = 5_000,
  ) {}

  /** Runs `fn` when no other write on `key` (in this process, or in any, in database mode) is running. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(() => this.runHeld(key, fn));
    const tail = mine.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await mine;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  private async runHeld<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if (this.mode === 'process') return fn();
    await this.acquireLease(key);
    try {
      return await fn();
    } finally {
      await leases().deleteOne({ _id: key, owner: this.owner });
    }
  }

  private async acquireLease(key: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await leases().insertOne({
          _id: key,
          owner: this.owner,
          expiresAt: new Date(Date.now() + this.leaseMs),
        });
        return;
      } catch (err) {
        if (!isDuplicateKeyError(err)) throw err;
      }
      // Take over a lease whose holder died (expired); the delete is by exact owner+expiry.
      const held = await leases().findOne({ _id: key });
      if (held && held.expiresAt.getTime() < Date.now()) {
        await leases().deleteOne({ _id: key, owner: held.owner, expiresAt: held.expiresAt });
        continue;
      }
      await new Promise((r) => setTimeout(r, Math.min(2 + attempt, 20)));
    }
  }
}

function leases() {
  return mongoose.connection.collection<LeaseDoc>('write_locks');
}

export const writeLock = new DocumentWriteLock();

/**
 * The one helper for conditional writes: applies `update` to document `id` of `model` only
 * if it matches `condition`; returns the updated document, or null when the condition
 * failed (or the document does not exist).
 *
 * One `findOneAndUpdate({_id, ...condition})` inside the lock. On MongoDB that alone is
 * atomic. On FerretDB it is read-then-write inside the server, so the lock is what makes
 * us the sole writer of the document; there the `_id` part is pushed down to PostgreSQL
 * (index-backed, see ./pg-indexes.ts) and the rest of the condition is checked on that one
 * document.
 */
export async function conditionalUpdate<T>(
  model: mongoose.Model<T>,
  id: string,
  condition: Record<string, unknown>,
  update: mongoose.UpdateQuery<T>,
  lock: DocumentWriteLock = writeLock,
): Promise<T | null> {
  return lock.run(`${model.collection.name}:${id}`, async () => {
    const doc = await model
      .findOneAndUpdate({ ...condition, _id: id } as mongoose.FilterQuery<T>, update, { new: true })
      .lean<T>()
      .exec();
    return doc ?? null;
  });
}
