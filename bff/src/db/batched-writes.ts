/**
 * Single-document inserts (or deletes by `_id`) into one collection that arrive together leave
 * as one command: an unordered `insert` of all the documents (a `delete` of all the ids). Each caller still gets its own document's outcome
 * (a duplicate key fails only its own insert). Why: at the lunch rush every placement inserts
 * its key, claim and order; the cost per command in mongoose and the driver, not the database,
 * had the BFF's CPU at its limit. The documents of a batch are written independently, as
 * before (no transaction).
 *
 * Inserts and deletes only, never an `update` with many statements: FerretDB v1 keeps an
 * update's PostgreSQL connection per statement until the whole command ends, so one such
 * command of 50 took every connection and waited for one more, and the database stopped
 * answering anyone (DEVELOPERS.md, "FerretDB holds a connection per statement"; ./index.ts
 * sizes the pools). A `delete` closes each statement's read before its write (msg_delete.go).
 */
import type mongoose from 'mongoose';
import type { mongo } from 'mongoose';
import { GroupCommit } from './group-commit';

/** The driver's WriteError, or mongoose's copy of it (own `err` and `index`, the getters lost). */
interface WriteError {
  index: number;
  code?: number;
  errmsg?: string;
  err?: { code?: number; errmsg?: string };
}

/** The per-document errors of a failed unordered batch, or null when the failure was the whole command's. */
function writeErrorsOf(err: unknown): WriteError[] | null {
  const found = (err as { writeErrors?: WriteError | WriteError[] }).writeErrors;
  if (!found) return null;
  return Array.isArray(found) ? found : [found];
}

/** An error like the driver's for one document: `code` 11000 for a duplicate key (./errors.ts). */
function documentError(e: WriteError): Error {
  return Object.assign(new Error(e.errmsg ?? e.err?.errmsg ?? 'write failed'), {
    code: e.code ?? e.err?.code,
  });
}

async function eachOutcome(write: () => Promise<unknown>, count: number): Promise<(Error | null)[]> {
  const outcomes: (Error | null)[] = new Array(count).fill(null);
  try {
    await write();
  } catch (err) {
    const errors = writeErrorsOf(err);
    if (!errors) throw err;
    for (const e of errors) outcomes[e.index] = documentError(e);
  }
  return outcomes;
}

/** A batched insert whose `notAfter` passed while it waited for its batch: it was not sent. */
export class WriteTooLateError extends Error {
  constructor() {
    super('not written: past its deadline before its batch was sent');
  }
}

export class BatchedInserts<Doc extends mongo.Document> {
  private readonly group: GroupCommit<{ doc: Doc; notAfter: number }, Error | null>;

  constructor(model: mongoose.Model<any>) {
    this.group = new GroupCommit(async (_collection, items) => {
      // Checked as the command leaves, not when the caller queued: a wait in line counts.
      const now = Date.now();
      const due = items.filter((i) => i.notAfter >= now);
      const outcomes = due.length
        ? await eachOutcome(
            () =>
              model.insertMany(
                due.map((i) => i.doc),
                { ordered: false, lean: true },
              ),
            due.length,
          )
        : [];
      let next = 0;
      return items.map((i) => (i.notAfter >= now ? outcomes[next++] : new WriteTooLateError()));
    });
  }

  /**
   * Inserts `doc` as it is (lean: no casting, no defaults), through the model so its write hooks
   * run (db/write-guarded-cache.ts); throws its own error, e.g. E11000, or WriteTooLateError
   * when its batch would leave after `notAfter` (ms since the epoch).
   */
  async insert(doc: Doc, notAfter = Infinity): Promise<void> {
    const error = await this.group.run('', { doc, notAfter });
    if (error) throw error;
  }
}

export class BatchedDeletes {
  private readonly group: GroupCommit<string, Error | null>;

  constructor(model: mongoose.Model<any>) {
    this.group = new GroupCommit((_collection, ids) =>
      eachOutcome(
        () =>
          model.bulkWrite(
            ids.map((_id) => ({ deleteOne: { filter: { _id } } })),
            { ordered: false },
          ),
        ids.length,
      ),
    );
  }

  /** Deletes the document `_id` (none there is no error); throws its own error. */
  async delete(_id: string): Promise<void> {
    const error = await this.group.run('', _id);
    if (error) throw error;
  }
}
