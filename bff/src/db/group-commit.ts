/**
 * Group commit: writes to one document that queue up behind each other are decided together.
 *
 * While a batch for `key` is being written, the items that arrive wait in the next batch;
 * when the first finishes, the next is written in one go (one database write instead of one
 * per item). Each caller gets its own item's result. Why: at the lunch rush every order on a
 * canteen's lunch changes the same menu document and the same day counter, one write after
 * another; with 50 waiting, the chain, not the database, set the pace.
 */
export class GroupCommit<Item, Result> {
  /** Per key, the batches waiting their turn (each at most `maxBatch` items). */
  private readonly waiting = new Map<string, { items: Item[]; settle: Deferred<Result>[] }[]>();

  constructor(
    /** Writes one batch; returns each item's result, in order. A throw fails the whole batch. */
    private readonly commit: (key: string, items: Item[]) => Promise<Result[]>,
    private readonly maxBatch = 100,
  ) {}

  run(key: string, item: Item): Promise<Result> {
    let batches = this.waiting.get(key);
    const idle = !batches;
    if (!batches) this.waiting.set(key, (batches = []));
    let last = batches[batches.length - 1];
    if (!last || last.items.length >= this.maxBatch) batches.push((last = { items: [], settle: [] }));
    const done = deferred<Result>();
    last.items.push(item);
    last.settle.push(done);
    if (idle) void this.drain(key, batches);
    return done.promise;
  }

  /** Writes the key's batches one after another until none is waiting. */
  private async drain(key: string, batches: { items: Item[]; settle: Deferred<Result>[] }[]): Promise<void> {
    // Let the callers of this tick join the first batch.
    await Promise.resolve();
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      try {
        const results = await this.commit(key, batch.items);
        batch.settle.forEach((d, i) => d.resolve(results[i]));
      } catch (err) {
        for (const d of batch.settle) d.reject(err);
      }
    }
    this.waiting.delete(key);
  }
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
