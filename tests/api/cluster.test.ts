/**
 * `npm run start:cluster` as an operator runs it: one embedded database started by the
 * primary, two worker processes answering on one port. Orders placed at the same time go
 * through both workers and the last portions are still sold once (WRITE_LOCK=database is set
 * for the workers); a worker that crashes is replaced; SIGTERM to the primary stops the
 * workers and the database, exit 0.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { addDays, chinaDate } from '@yiyangtong/shared';
import { freePort } from '../../bff/src/db/ferretdb';
import { ApiClient } from '../harness/client';
import type { TestServer } from '../harness/server';
import { MealFixtures } from './meal-fixtures';

const root = path.resolve(__dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-cluster-'));
const admin = { phone: '13900006666', password: 'Admin@Cluster1', name: '集群测试管理员' };
let npm: ChildProcess;
let output = '';

afterAll(() => {
  try {
    process.kill(-npm.pid!, 'SIGKILL');
  } catch {
    /* already gone */
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** pid → parent pid and command line, for the processes of this cluster. */
function processTable(): { pid: number; ppid: number; args: string }[] {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => !!m)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
}
const clusterScript = path.join(root, 'bff', 'dist', 'cluster.js');
function clusterProcesses() {
  const table = processTable();
  const running = table.filter((p) => p.args.includes(clusterScript));
  const primary = running.find((p) => !running.some((q) => q.pid === p.ppid));
  return { primary, workers: running.filter((p) => p.ppid === primary?.pid), table };
}
const databaseProcesses = () =>
  processTable().filter(
    (p) => p.args.includes(`state-dir=${dataDir}/`) || p.args.includes(`-D ${dataDir}/postgres`),
  );

/** The `"worker":N` of each request log line for `path` with `status`. */
const workersThatAnswered = (method: string, urlPath: string, status: number) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{') && l.endsWith('}')) // the last line may still be arriving
    .map((l) => JSON.parse(l))
    .filter((l) => l.msg === 'request' && l.method === method && l.path === urlPath && l.status === status)
    .map((l) => l.worker as number);

test('two workers on one port share the orders, the last portions are sold once, a crashed worker is replaced, SIGTERM stops all', async () => {
  const port = await freePort();
  npm = spawn('npm', ['run', 'start:cluster'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      WORKERS: '2',
      SEED_DEMO: '0',
      LOG_LEVEL: 'info',
      BOOTSTRAP_ADMIN_PHONE: admin.phone,
      BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      BOOTSTRAP_ADMIN_NAME: admin.name,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  npm.stdout!.on('data', (d) => (output += String(d)));
  npm.stderr!.on('data', (d) => (output += String(d)));
  for (let i = 0; i < 900 && !output.includes('is running') && npm.exitCode === null; i++) await sleep(100);
  expect(output).toContain('2 worker processes');
  const { primary, workers } = clusterProcesses();
  expect(workers).toHaveLength(2);

  const api = new ApiClient(`http://127.0.0.1:${port}`);
  const f = new MealFixtures({
    baseUrl: api.baseUrl,
    api,
    admin,
    logs: [],
    close: async () => undefined,
  } as TestServer);
  const community = await f.community();
  const canteen = await f.canteen(community.id);
  const staff = await f.user('canteen_staff', { canteenId: canteen.id });
  const worker = await f.user('worker', { communityId: community.id });
  const elders = await Promise.all(Array.from({ length: 5 }, () => f.elder(worker.token, community.id)));
  const dish = await f.dish(staff.token, canteen.id, '清蒸鲈鱼', 900);
  const date = addDays(chinaDate(), 2);
  await f.putMenu(staff.token, canteen.id, date, 'lunch', [{ dishId: dish.id, quota: 10 }]);

  const results = await Promise.all(
    Array.from({ length: 30 }, (_, i) =>
      f.order(worker.token, {
        elderId: elders[i % elders.length].id,
        canteenId: canteen.id,
        date,
        slot: 'lunch',
        items: [{ dishId: dish.id, qty: 1 }],
      }),
    ),
  );
  const outcomes = results.map((r) => (r.status === 201 ? 'sold' : `${r.status} ${r.body.error?.code}`));
  expect(outcomes.filter((o) => o === 'sold')).toHaveLength(10);
  expect(outcomes.filter((o) => o === '409 SOLD_OUT')).toHaveLength(20);
  // None left, on whichever worker answers: a worker's copy of the menu may show another's sales up
  // to a second late (bff/src/menus/cache.ts), so the menu is read after that second.
  await sleep(1_100);
  expect(await f.remaining(canteen.id, date, 'lunch', dish.id)).toBe(0);
  // Both workers took order requests (each request's log line names its worker). Which one sold
  // the 10 is not an invariant: group commit lets the first to reach the menu sell them all.
  const ordersTakenBy = [
    ...workersThatAnswered('POST', '/api/meal-orders', 201),
    ...workersThatAnswered('POST', '/api/meal-orders', 409),
  ];
  expect(new Set(ordersTakenBy).size).toBe(2);

  // A worker dies: another takes its place, and the site keeps answering meanwhile. A kept-alive
  // connection to the dead worker fails once (as a browser's would, which then reconnects).
  const healthStatus = async () => {
    try {
      return (await api.get('/api/health')).status;
    } catch {
      return (await api.get('/api/health')).status;
    }
  };
  process.kill(workers[0].pid, 'SIGKILL');
  let replaced = clusterProcesses().workers;
  for (
    let i = 0;
    i < 150 && !(replaced.length === 2 && !replaced.some((w) => w.pid === workers[0].pid));
    i++
  ) {
    expect(await healthStatus()).toBe(200);
    await sleep(100);
    replaced = clusterProcesses().workers;
  }
  expect(replaced.map((w) => w.pid)).not.toContain(workers[0].pid);
  expect(replaced).toHaveLength(2);
  // The primary's log line travels through a pipe: it may arrive after the new worker shows in ps.
  for (let i = 0; i < 50 && !output.includes('a worker died; starting another'); i++) await sleep(100);
  expect(output).toContain('a worker died; starting another');
  for (let i = 0; i < 6; i++) expect(await healthStatus()).toBe(200);

  // SIGTERM to the primary alone (a service manager's stop): workers, then the database stop.
  expect(databaseProcesses().length).toBeGreaterThan(0);
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  process.kill(primary!.pid, 'SIGTERM');
  expect(await exited).toBe(0);
  expect(clusterProcesses().workers).toHaveLength(0);
  for (let i = 0; i < 50 && databaseProcesses().length; i++) await sleep(100);
  expect(databaseProcesses()).toEqual([]);
});
