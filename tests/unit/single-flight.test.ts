/**
 * Cache misses sharing one read (bff/src/db/single-flight.ts): at lunch a cached menu expires
 * under fifty waiting requests; they must cost one database read, and a read started before a
 * change must never store its older answer once the change said "forget".
 */
import { SingleFlight } from '../../bff/src/db/single-flight';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

test('concurrent misses of one key share one read and all get its answer', async () => {
  const flight = new SingleFlight<string>();
  const read = deferred<string>();
  let reads = 0;
  const stored: string[] = [];
  const load = () => {
    reads += 1;
    return read.promise;
  };
  const answers = Promise.all(
    Array.from({ length: 50 }, () => flight.run('menu', load, (v) => stored.push(v))),
  );
  read.resolve('v1');
  expect(await answers).toEqual(Array(50).fill('v1'));
  expect(reads).toBe(1);
  expect(stored).toEqual(['v1']);
  // Done: the next miss reads again.
  expect(
    await flight.run(
      'menu',
      async () => 'v2',
      (v) => stored.push(v),
    ),
  ).toBe('v2');
  expect(stored).toEqual(['v1', 'v2']);
});

test('a read started before a change does not store its answer; misses after it read afresh', async () => {
  const flight = new SingleFlight<string>();
  const old = deferred<string>();
  const stored: string[] = [];
  const before = flight.run(
    'canteen',
    () => old.promise,
    (v) => stored.push(v),
  );
  flight.forget('canteen'); // the canteen was changed meanwhile
  const after = flight.run(
    'canteen',
    async () => 'new',
    (v) => stored.push(v),
  );
  old.resolve('old');
  expect(await before).toBe('old'); // what its own callers asked before the change
  expect(await after).toBe('new');
  expect(stored).toEqual(['new']);
});

test('a failed read is not shared with later misses', async () => {
  const flight = new SingleFlight<string>();
  await expect(
    flight.run(
      'k',
      () => Promise.reject(new Error('db down')),
      () => undefined,
    ),
  ).rejects.toThrow('db down');
  expect(
    await flight.run(
      'k',
      async () => 'ok',
      () => undefined,
    ),
  ).toBe('ok');
});
