/**
 * Two BFF processes on one database, every invariant fired at both at once. On FerretDB
 * (the default here) a BFF that was given the database — not one that started it — uses the
 * cross-process lease by default (db/write-lock.ts); on MongoDB (MONGOMS_SYSTEM_BINARY set)
 * the same tests run against MongoDB's own atomic conditional updates.
 *
 * Run with WRITE_LOCK=process exported and the portion and state-transition tests fail:
 * each process then only serialises its own writes.
 */
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { addDays, chinaDate } from '@yiyangtong/shared';
import type { ApiClient, ApiResponse } from '../harness/client';
import { startChildBff } from '../harness/child-bff';
import { workerConnection, type TestServer } from '../harness/server';
import type { TestUser } from './fixtures';
import { ServiceFixtures } from './service-fixtures';

const admin = { phone: '13900008888', password: 'Admin@Multi123', name: '多进程测试管理员' };
const dbName = `mp_${process.env.JEST_WORKER_ID}_${Date.now().toString(36)}`;
const children: ChildProcess[] = [];
const date = addDays(chinaDate(), 2);

async function startChild(bootstrap: boolean): Promise<ApiClient> {
  const child = await startChildBff({
    ...workerConnection(),
    dbName,
    admin,
    bootstrap,
    jwtSecret: 'multi-process-secret',
  });
  children.push(child.process);
  return child.api;
}

let a: ApiClient;
let b: ApiClient;
let f: ServiceFixtures;
let community: { id: string };
let canteenId: string;
let staff: TestUser;
let worker: TestUser;

/** Fixtures that talk to process A or B. */
const via = (server: ApiClient) =>
  new ServiceFixtures({ baseUrl: server.baseUrl, api: server, admin } as TestServer);
/** n requests, alternating between the two processes, all at once. */
const fireAtBoth = (n: number, send: (server: ApiClient, i: number) => Promise<ApiResponse>) =>
  Promise.all(Array.from({ length: n }, (_, i) => send(i % 2 === 0 ? a : b, i)));
const statuses = (results: ApiResponse[]) => results.map((r) => r.status).sort();

beforeAll(async () => {
  a = await startChild(true);
  b = await startChild(false);
  f = via(a);
  community = await f.community();
  canteenId = (await f.canteen(community.id)).id;
  staff = await f.user('canteen_staff', { canteenId });
  worker = await f.user('worker', { communityId: community.id });
}, 60_000);
afterAll(() => {
  for (const c of children) c.kill('SIGTERM');
});

test('the last portions are sold once: 60 orders over two processes for a dish with 20 portions', async () => {
  const elders = await Promise.all(Array.from({ length: 6 }, () => f.elder(worker.token, community.id)));
  const dish = await f.dish(staff.token, canteenId, '清蒸鲈鱼', 900);
  await f.putMenu(staff.token, canteenId, date, 'lunch', [{ dishId: dish.id, quota: 20 }]);

  const results = await fireAtBoth(60, (server, i) =>
    via(server).order(worker.token, {
      elderId: elders[i % elders.length].id,
      canteenId,
      date,
      slot: 'lunch',
      items: [{ dishId: dish.id, qty: 1 }],
    }),
  );
  expect(results.filter((r) => r.status === 201)).toHaveLength(20);
  expect(results.filter((r) => r.status === 409 && r.body.error.code === 'SOLD_OUT')).toHaveLength(40);
  // Which process sold how many is not an invariant: a process decides the placements waiting
  // on the menu together (group commit, bff/src/db/group-commit.ts), and on the atomic backend
  // the database decides each write, so one process may fairly sell all 20 (fresh-clone runs saw
  // both). The counts above, the menu and the sheet read through the other process are the invariant.
  expect(await f.remaining(canteenId, date, 'lunch', dish.id)).toBe(0);
  const viaB = await b.get(`/api/canteens/${canteenId}/orders?date=${date}&slot=lunch`, {
    token: staff.token,
  });
  expect(viaB.body.totals).toEqual([expect.objectContaining({ dishId: dish.id, qty: 20 })]);
});

test('one order per Idempotency-Key: the same key sent 20 times to both processes at once', async () => {
  const elder = await f.elder(worker.token, community.id);
  const dish = await f.dish(staff.token, canteenId, '番茄炒蛋', 600);
  await f.putMenu(staff.token, canteenId, date, 'dinner', [{ dishId: dish.id, quota: 50 }]);
  const key = randomUUID();
  const body = {
    elderId: elder.id,
    canteenId,
    date,
    slot: 'dinner' as const,
    items: [{ dishId: dish.id, qty: 1 }],
  };

  const results = await fireAtBoth(20, (server) => via(server).order(worker.token, body, key));
  expect(results.filter((r) => r.status !== 201 && r.status !== 200).map((r) => r.body)).toEqual([]);
  expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
  await new Promise((r) => setTimeout(r, 1_100)); // each process caches a menu for 1 s
  expect(await f.remaining(canteenId, date, 'dinner', dish.id)).toBe(49);
  const mine = await b.get(`/api/meal-orders?elderId=${elder.id}&date=${date}`, { token: worker.token });
  expect(mine.body.items).toHaveLength(1);
});

test('one subsidised meal per elder and slot: 10 orders for one elder over both processes, one discounted', async () => {
  await f.rule({
    name: '多进程测试 80岁以上午餐减3元',
    minAge: 80,
    benefit: { type: 'amount_off', value: 300 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom: '2026-01-01',
  });
  const elder = await f.elder(worker.token, community.id, { birthDate: '1940-01-01' });
  const dish = await f.dish(staff.token, canteenId, '红烧豆腐', 800);
  const day = addDays(date, 1);
  await f.putMenu(staff.token, canteenId, day, 'lunch', [{ dishId: dish.id, quota: 50 }]);

  const results = await fireAtBoth(10, (server) =>
    via(server).order(worker.token, {
      elderId: elder.id,
      canteenId,
      date: day,
      slot: 'lunch',
      items: [{ dishId: dish.id, qty: 1 }],
    }),
  );
  expect(statuses(results)).toEqual(Array(10).fill(201));
  const payable = results.map((r) => r.body.pricing.payable).sort((x, y) => x - y);
  expect(payable).toEqual([500, ...Array(9).fill(800)]);
});

describe('one state transition per click', () => {
  let provider: TestUser;
  let itemId: string;
  let elderId: string;
  beforeAll(async () => {
    provider = await f.user('provider', { name: '多进程护理员', providerId: 'org-mp' });
    itemId = (await f.item({ category: 'clean', name: '多进程保洁', price: 3000 })).id;
    elderId = (await f.elder(worker.token, community.id)).id;
  });

  test('a visit is dispatched once and accepted once, however many clicks land on both processes', async () => {
    const visit = await f.visit(worker.token, elderId, itemId, `${addDays(date, 3)}T02:00:00Z`);
    const dispatches = await fireAtBoth(10, (server) =>
      server.post(
        `/api/service-orders/${visit.id}/dispatch`,
        { providerUserId: provider.id },
        { token: worker.token },
      ),
    );
    expect(statuses(dispatches)).toEqual([200, ...Array(9).fill(409)]);
    const accepts = await fireAtBoth(10, (server) =>
      server.post(`/api/service-orders/${visit.id}/accept`, {}, { token: provider.token }),
    );
    expect(statuses(accepts)).toEqual([200, ...Array(9).fill(409)]);
    const after = await b.get(`/api/service-orders/${visit.id}`, { token: worker.token });
    expect(after.body.timeline.map((e: { status: string }) => e.status)).toEqual([
      'requested',
      'dispatched',
      'accepted',
    ]);
  });

  test('an SOS is raised once, its family told once, and acknowledged once from both processes', async () => {
    const daughter = await f.family('多进程家属');
    await f.link(worker.token, elderId, daughter);
    const raises = await fireAtBoth(10, (server) =>
      server.post('/api/sos', { elderId }, { token: worker.token }),
    );
    expect(statuses(raises)).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    const ids = new Set(raises.map((r) => r.body.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    const acks = await fireAtBoth(10, (server) =>
      server.post(`/api/sos/${id}/ack`, {}, { token: worker.token }),
    );
    expect(statuses(acks)).toEqual([200, ...Array(9).fill(409)]);
    const after = await a.get(`/api/sos/${id}`, { token: worker.token });
    expect(after.body.status).toBe('acknowledged');
    const notices = (await b.get('/api/notifications', { token: daughter.token })).body.items;
    expect(notices.filter((n: { kind: string }) => n.kind === 'sos_raised')).toHaveLength(1);
    expect(notices.filter((n: { kind: string }) => n.kind === 'sos_acked')).toHaveLength(1);
    // Read-all from both processes at once leaves nothing unread, and counts each once.
    await fireAtBoth(4, (server) =>
      server.post('/api/notifications/read-all', {}, { token: daughter.token }),
    );
    expect((await a.get('/api/notifications?unread=1', { token: daughter.token })).body.items).toEqual([]);
  });
});
