/**
 * Group commit (bff/src/db/group-commit.ts): what arrives while a document is being written
 * goes in its next write, each caller still gets its own answer, and a failed write fails only
 * the callers that were in it.
 */
import { GroupCommit } from '../../bff/src/db/group-commit';

function recorder(fail?: (items: number[]) => boolean) {
  const writes: number[][] = [];
  const pending: (() => void)[] = []; // writes in flight, oldest first
  const group = new GroupCommit<number, number>(async (_key, items) => {
    writes.push([...items]);
    await new Promise<void>((r) => pending.push(r));
    if (fail?.(items)) throw new Error(`failed ${items.join(',')}`);
    return items.map((n) => n * 10);
  }, 3);
  return { group, writes, release: () => pending.shift()?.() };
}

const tick = () => new Promise((r) => setImmediate(r));

test('items waiting behind a write go together in the next one, each answered with its own result', async () => {
  const { group, writes, release } = recorder();
  const first = group.run('menu', 1);
  await tick();
  const waiting = [2, 3, 4].map((n) => group.run('menu', n));
  await tick();
  expect(writes).toEqual([[1]]); // 2–4 wait: one write at a time per key
  release();
  await tick();
  expect(writes).toEqual([[1], [2, 3, 4]]);
  release();
  expect(await first).toBe(10);
  expect(await Promise.all(waiting)).toEqual([20, 30, 40]);
});

test('a batch holds at most maxBatch items; the rest form the batch after it', async () => {
  const { group, writes, release } = recorder();
  const all = [1, 2, 3, 4, 5].map((n) => group.run('menu', n));
  await tick();
  expect(writes).toEqual([[1, 2, 3]]);
  release();
  await tick();
  expect(writes).toEqual([
    [1, 2, 3],
    [4, 5],
  ]);
  release();
  expect(await Promise.all(all)).toEqual([10, 20, 30, 40, 50]);
});

test('other keys are written independently', async () => {
  const { group, writes, release } = recorder();
  const a = group.run('menu-a', 1);
  const b = group.run('menu-b', 2);
  await tick();
  expect(writes).toEqual([[1], [2]]);
  release();
  release();
  expect(await Promise.all([a, b])).toEqual([10, 20]);
});

test("a failed write fails its own batch's callers, and the next batch is still written", async () => {
  const { group, writes, release } = recorder((items) => items.includes(1));
  const failed = group.run('menu', 1);
  await tick();
  const next = group.run('menu', 2);
  release();
  await expect(failed).rejects.toThrow('failed 1');
  await tick();
  expect(writes).toEqual([[1], [2]]);
  release();
  expect(await next).toBe(20);
});
