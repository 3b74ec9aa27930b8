/**
 * Every query an API test makes the BFF run must be one the embedded database answers
 * through an index (see bff/src/db/pg-indexes.ts): a scan passes a test on 20 documents and
 * takes seconds on a year of a district's orders. The guard records, through mongoose's
 * debug hook, every filter run while the BFF handles a request (`track` wraps the HTTP
 * handler; a test's own assertions are not counted); `violations()` lists those with no
 * indexed equality, and the test server fails its file on close when there are any.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import mongoose from 'mongoose';
import { indexedFields } from '../../bff/src/db';
import { isIndexBacked } from '../../bff/src/db/pg-indexes';

/** Methods whose first argument is a filter (aggregate: its first `$match`). */
const FILTER_FIRST = new Set([
  'find',
  'findOne',
  'findOneAndUpdate',
  'findOneAndDelete',
  'findOneAndReplace',
  'updateOne',
  'updateMany',
  'replaceOne',
  'deleteOne',
  'deleteMany',
  'countDocuments',
]);

/**
 * Lists read whole on purpose: reference data an admin manages, bounded by its nature
 * (a district's communities, canteens and discount rules; the staff accounts list; the service
 * catalogue and its monthly packages).
 */
const WHOLE_READS = new Set([
  'communities',
  'canteens',
  'discountrules',
  'users',
  'service_items',
  'service_packages',
]);

export interface QueryRecord {
  collection: string;
  method: string;
  filter: Record<string, unknown>;
  limited: boolean;
}

export class QueryGuard {
  readonly seen: QueryRecord[] = [];
  private readonly inRequest = new AsyncLocalStorage<true>();

  /** The HTTP handler, with every query it causes recorded. */
  track(handler: (req: IncomingMessage, res: ServerResponse) => void) {
    return (req: IncomingMessage, res: ServerResponse) => this.inRequest.run(true, () => handler(req, res));
  }

  install(): void {
    mongoose.set('debug', (collection: string, method: string, ...args: unknown[]) => {
      if (!this.inRequest.getStore()) return;
      let filter: unknown;
      if (FILTER_FIRST.has(method)) filter = args[0];
      else if (method === 'distinct') filter = args[1];
      else if (method === 'aggregate')
        filter = (args[0] as Record<string, unknown>[] | undefined)?.[0]?.$match;
      else return;
      const options = (method === 'find' ? args[1] : undefined) as
        { limit?: number; sort?: unknown } | undefined;
      this.seen.push({
        collection,
        method,
        filter: (filter ?? {}) as Record<string, unknown>,
        limited: method === 'findOne' || Boolean(options?.limit && !options.sort),
      });
    });
  }

  violations(): QueryRecord[] {
    const indexed = new Map(indexedFields().map((s) => [s.collection, s.fields]));
    return this.seen.filter((q) => {
      const empty = Object.keys(q.filter).length === 0;
      // find({}).limit(n) / findOne({}): with no filter and no sort the LIMIT reaches PostgreSQL.
      if (empty && (q.limited || WHOLE_READS.has(q.collection))) return false;
      return !isIndexBacked(q.filter, indexed.get(q.collection) ?? []);
    });
  }
}

export function describeViolations(list: QueryRecord[]): string {
  const unique = new Map<string, QueryRecord>();
  for (const q of list) unique.set(`${q.collection}.${q.method}(${Object.keys(q.filter).join(',')})`, q);
  return [...unique.keys()].map((k) => `  ${k}`).join('\n');
}
