/**
 * Two BFF processes on one database with WRITE_LOCK=database: the last portions are
 * still sold once, because the per-document write lock is a lease document with a
 * unique _id, not only an in-process queue.
 */
import type { ChildProcess } from 'node:child_process';
import { addDays, chinaDate } from '@yiyangtong/shared';
import type { ApiClient } from '../harness/client';
import { startChildBff } from '../harness/child-bff';
import { workerConnection, type TestServer } from '../harness/server';
import { MealFixtures } from './meal-fixtures';

const admin = { phone: '13900008888', password: 'Admin@Multi123', name: '多进程测试管理员' };
const dbName = `mp_${process.env.JEST_WORKER_ID}_${Date.now().toString(36)}`;
const children: ChildProcess[] = [];

async function startChild(bootstrap: boolean): Promise<ApiClient> {
  const child = await startChildBff({
    ...workerConnection(),
    dbName,
    admin,
    bootstrap,
    jwtSecret: 'multi-process-secret',
    env: { WRITE_LOCK: 'database' },
  });
  children.push(child.process);
  return child.api;
}

let a: ApiClient;
let b: ApiClient;
beforeAll(async () => {
  a = await startChild(true);
  b = await startChild(false);
}, 60_000);
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
});

test('60 orders split over two server processes for a dish with 20 portions: exactly 20 are sold', async () => {
  const f = new MealFixtures({
    baseUrl: a.baseUrl,
    api: a,
    admin,
    logs: [],
    close: async () => undefined,
  } as TestServer);
  const community = await f.community();
  const canteen = await f.canteen(community.id);
  const staff = await f.user('canteen_staff', { canteenId: canteen.id });
  const worker = await f.user('worker', { communityId: community.id });
  const elders = await Promise.all(Array.from({ length: 6 }, () => f.elder(worker.token, community.id)));
  const dish = await f.dish(staff.token, canteen.id, '清蒸鲈鱼', 900);
  const date = addDays(chinaDate(), 2);
  await f.putMenu(staff.token, canteen.id, date, 'lunch', [{ dishId: dish.id, quota: 20 }]);

  const results = await Promise.all(
    Array.from({ length: 60 }, (_, i) => {
      const server = i % 2 === 0 ? a : b;
      return new MealFixtures({ baseUrl: server.baseUrl, api: server, admin } as TestServer).order(
        worker.token,
        {
          elderId: elders[i % elders.length].id,
          canteenId: canteen.id,
          date,
          slot: 'lunch',
          items: [{ dishId: dish.id, qty: 1 }],
        },
      );
    }),
  );
  const sold = results.filter((r) => r.status === 201);
  expect(sold.length).toBe(20);
  expect(results.filter((r) => r.status === 409 && r.body.error.code === 'SOLD_OUT')).toHaveLength(40);
  // Both processes sold some: the lock was really contended across processes.
  expect(results.filter((r, i) => r.status === 201 && i % 2 === 0).length).toBeGreaterThan(0);
  expect(results.filter((r, i) => r.status === 201 && i % 2 === 1).length).toBeGreaterThan(0);
  expect(await f.remaining(canteen.id, date, 'lunch', dish.id)).toBe(0);
  const viaB = await b.get(`/api/canteens/${canteen.id}/orders?date=${date}&slot=lunch`, {
    token: staff.token,
  });
  expect(viaB.body.totals).toEqual([expect.objectContaining({ dishId: dish.id, qty: 20 })]);
});
