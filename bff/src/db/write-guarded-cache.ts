import type { Schema } from 'mongoose';
/**
 * Repeated reads of the same thing while nothing was written, answered by one database read.
 *
 * Only where every write of the collection passes through this process (the embedded FerretDB,
 * write-lock mode 'process'), and where each such write calls `invalidate()` before and after
 * it (mongoose hooks on the model): then an answer never misses a write that finished before
 * the request came. A read in flight is shared too, for the same reason: it started after the
 * last write. Why: FerretDB v1 turns each stored document back into BSON at ~0.3 ms (measured:
 * 150 orders of a lunch, 0.8 ms in PostgreSQL, 45–65 ms through FerretDB), so the counters'
 * tablets re-reading one sheet kept a core busy. On MongoDB (or a shared FerretDB) every read
 * goes to the database.
 */
export class WriteGuardedCache<T> {
  private readonly entries = new Map<string, { at: number; value: Promise<T> }>();

  constructor(
    private readonly enabled: () => boolean,
    /** A backstop only: writes that bypass mongoose (none in the BFF) are seen after this. */
    private readonly ttlMs = 2_000,
    private readonly maxEntries = 1_000,
  ) {}

  /** A write that may change some answer starts or ends: no earlier read is reused. */
  invalidate(): void {
    this.entries.clear();
  }

  read(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.enabled()) return load();
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    const value = load();
    const entry = { at: Date.now(), value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }
}

const WRITES = [
  'save',
  'insertMany',
  'updateOne',
  'updateMany',
  'findOneAndUpdate',
  'replaceOne',
  'findOneAndReplace',
  'deleteOne',
  'deleteMany',
  'findOneAndDelete',
  'bulkWrite',
] as const;

/** Every write through `schema`'s model invalidates `cache`, when it starts and when it ends. */
export function invalidateOnWrites(schema: Schema, cache: { invalidate(): void }): void {
  const invalidate = () => cache.invalidate();
  for (const op of WRITES) {
    schema.pre(op as 'save', { document: true, query: true } as never, invalidate);
    schema.post(op as 'save', { document: true, query: true } as never, invalidate);
  }
}
