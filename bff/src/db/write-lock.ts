/**
 * Conditional writes that hold on every backend and with any number of BFF processes.
 *
 * FerretDB v1 applies `findOneAndUpdate({_id, stock: {$gte: n}}, {$inc: …})` as
 * read-then-write, so two concurrent calls can both pass the condition (measured here:
 * 20 concurrent decrements of a stock of 3 gave 10 successes). MongoDB applies the same
 * call atomically per document. So the mode follows the database (see `writeLockModeFor`):
 *
 * - 'atomic' (MongoDB, any number of processes): `conditionalUpdate` is the bare
 *   `findOneAndUpdate` with the condition in the filter, which MongoDB guarantees, and no
 *   lease is ever taken: `run()` refuses to start a section. Code that reads and then
 *   rewrites a document has a single-update form for MongoDB (failed-login counts, pause
 *   removal; the meal-card ledger uses only conditional updates in every mode).
 * - 'process' (the embedded FerretDB, which only the process that started it uses): a
 *   promise chain per document key inside this process.
 * - 'database' (FerretDB shared by several processes: `npm run start:cluster`, or any
 *   MONGODB_URI that turns out to be FerretDB): the chain plus a lease document
 *   `write_locks/{key}` with a unique `_id`; E11000 means another process holds it, so we
 *   retry. The holder renews it while it works; a lease past its expiry (a crashed holder)
 *   is taken over, and `releaseExpiredLeases` clears them at start.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { isDuplicateKeyError } from './errors';

export type WriteLockMode = 'process' | 'database' | 'atomic';

interface LeaseDoc {
  _id: string;
  owner: string;
  expiresAt: Date;
}

export function parseWriteLockMode(value: string | undefined): WriteLockMode | undefined {
  if (value === undefined || value === '') return undefined;
  if (value === 'process' || value === 'database') return value;
  throw new Error(`WRITE_LOCK must be "process" or "database", not "${value}"`);
}

/**
 * MongoDB is always 'atomic' (its conditional updates need no lock). FerretDB: WRITE_LOCK
 * when set; else 'process' when this process started the embedded server (nobody else can
 * reach it), 'database' when it was given (other processes may share it).
 */
export function writeLockModeFor(
  kind: 'mongodb' | 'ferretdb',
  embedded: boolean,
  requested = parseWriteLockMode(process.env.WRITE_LOCK),
): WriteLockMode {
  if (kind === 'mongodb') return 'atomic';
  return requested ?? (embedded ? 'process' : 'database');
}

export class DocumentWriteLock {
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly owner = randomUUID();

  constructor(
    public mode: WriteLockMode = parseWriteLockMode(process.env.WRITE_LOCK) ?? 'process',
    private readonly leaseMs = 5_000,
  ) {}

  /**
   * Runs `fn` (any reads and writes of document `key`) when no other section on `key` is
   * running, in this process or, unless the mode is 'process', in any. Every write to a
   * document that a section reads and rewrites must go through `run` on the same key.
   */
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

  /**
   * Runs `fn`, ONE update of document `key` whose filter holds its condition: on MongoDB
   * as it is (atomic per document), elsewhere inside `run`.
   */
  async update<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.mode === 'atomic' ? fn() : this.run(key, fn);
  }

  private async runHeld<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if (this.mode === 'process') return fn();
    if (this.mode === 'atomic')
      throw new Error(
        `write lock "${key}": no read-modify-write sections on MongoDB, use one conditional update`,
      );
    await this.acquireLease(key);
    // Renew while `fn` works, so a slow database never hands our lease to another process.
    const renew = setInterval(() => {
      leases()
        .updateOne(
          { _id: key, owner: this.owner },
          { $set: { expiresAt: new Date(Date.now() + this.leaseMs) } },
        )
        .catch(() => undefined);
    }, this.leaseMs / 3);
    try {
      return await fn();
    } finally {
      clearInterval(renew);
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

/**
 * Deletes leases past their expiry (left by a process that crashed holding them). Only
 * leases of live holders remain, and those are few: the collection is read whole.
 */
export async function releaseExpiredLeases(now = new Date()): Promise<number> {
  let released = 0;
  for (const lease of await leases().find({}).toArray()) {
    if (lease.expiresAt.getTime() >= now.getTime()) continue;
    const res = await leases().deleteOne({ _id: lease._id, owner: lease.owner, expiresAt: lease.expiresAt });
    released += res.deletedCount;
  }
  return released;
}

export const writeLock = new DocumentWriteLock();

/**
 * The one helper for conditional writes: applies `update` to document `id` of `model` only
 * if it matches `condition`; returns the updated document, or null when the condition
 * failed (or the document does not exist).
 *
 * One `findOneAndUpdate({_id, ...condition})`: on MongoDB alone (atomic); on FerretDB inside
 * the lock, which makes us the sole writer of the document. There the `_id` part is pushed
 * down to PostgreSQL (index-backed, see ./pg-indexes.ts) and the rest of the condition is
 * checked on that one document.
 */
export async function conditionalUpdate<T>(
  model: mongoose.Model<T>,
  id: string,
  condition: Record<string, unknown>,
  update: mongoose.UpdateQuery<T>,
  lock: DocumentWriteLock = writeLock,
): Promise<T | null> {
  return lock.update(`${model.collection.name}:${id}`, async () => {
    const doc = await model
      .findOneAndUpdate({ ...condition, _id: id } as mongoose.FilterQuery<T>, update, { new: true })
      .lean<T>()
      .exec();
    return doc ?? null;
  });
}
