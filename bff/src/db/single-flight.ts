/**
 * Concurrent cache misses of one key share one database read: when a cached menu expires in
 * the lunch rush, fifty waiting requests would otherwise each read it again. `forget(key)`
 * (after a change) makes the next miss start a fresh read, and a read started before the
 * change never stores its older answer.
 */
export class SingleFlight<T> {
  private readonly loads = new Map<string, Promise<T>>();

  run(key: string, load: () => Promise<T>, store: (value: T) => void): Promise<T> {
    const running = this.loads.get(key);
    if (running) return running;
    const mine: Promise<T> = load()
      .then((value) => {
        if (this.loads.get(key) === mine) store(value);
        return value;
      })
      .finally(() => {
        if (this.loads.get(key) === mine) this.loads.delete(key);
      });
    this.loads.set(key, mine);
    return mine;
  }

  forget(key: string): void {
    this.loads.delete(key);
  }
}
