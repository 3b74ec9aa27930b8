/**
 * `npm start` as a newcomer runs it: its own FerretDB on PostgreSQL in a fresh data dir, the
 * first admin and the demo district, API and H5 on one port; SIGTERM stops it and both
 * database processes; a second start finds the data of the first. The server is node on the
 * compiled BFF (bff/dist), rebuilt when a source changed — no TypeScript compiler at run time.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../bff/src/db/ferretdb';
import { ApiClient } from '../harness/client';

const root = path.resolve(__dirname, '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-start-'));
let child: ChildProcess;
let output = '';

const processesMatching = (pattern: string) => {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
};
// FerretDB (its state dir) and PostgreSQL (its data dir) of this test's DATA_DIR.
const databaseProcessesOf = (dir: string) =>
  [processesMatching(`state-dir=${dir}/`), processesMatching(`bin/postgres -D ${dir}/postgres`)]
    .join('')
    .trim();

// Like Ctrl+C in a terminal: the signal goes to npm's whole process group.
const signalGroup = (sig: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, sig);
  } catch {
    /* already gone */
  }
};

afterAll(() => {
  if (child) signalGroup('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function npmStart(port: number): Promise<ApiClient> {
  output = '';
  child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, SEED_DEMO: '1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  for (let i = 0; i < 900 && !output.includes('is running'); i++)
    await new Promise((r) => setTimeout(r, 100));
  expect(output).toContain(`http://localhost:${port}/`);
  return new ApiClient(`http://127.0.0.1:${port}`);
}

async function stopAndExpectDatabaseGone(): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup('SIGTERM');
  await exited; // npm itself ends by the signal, as after Ctrl+C
  expect(output).not.toContain('failed');
  for (let i = 0; i < 100 && databaseProcessesOf(dataDir); i++) await new Promise((r) => setTimeout(r, 100));
  expect(databaseProcessesOf(dataDir)).toBe('');
}

test('npm start serves health, the H5 app and the demo accounts, stops cleanly, and a second start keeps the data', async () => {
  const port = await freePort();
  let api = await npmStart(port);
  expect(output).toContain('13900000005 / Demo@2026');
  expect(output).toContain('database: ferretdb');

  expect((await api.get('/api/health')).body).toEqual({ ok: true });
  const page = await fetch(`http://127.0.0.1:${port}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<title>颐养通</title>');
  const token = await api.login('13900000004', 'Demo@2026');
  const linked = await api.get('/api/family/elders', { token });
  expect(linked.body.items.map((e: { name: string }) => e.name)).toEqual(['张桂兰']);
  // Something only this run wrote: a new family account.
  const registered = await api.post('/api/auth/register', {
    phone: '13700001234',
    password: 'Again@2026',
    name: '第二次启动',
  });
  expect(registered.status).toBe(201);
  expect(databaseProcessesOf(dataDir)).not.toBe('');
  expect(processesMatching(`node --enable-source-maps ${root}/bff/dist/server.js`)).not.toBe('');
  expect(processesMatching(`${root}/bff/src/server.ts`)).toBe('');
  await stopAndExpectDatabaseGone();

  // A source edited since the last build: the next start compiles again before serving.
  const source = path.join(root, 'bff', 'src', 'config.ts');
  const now = new Date();
  fs.utimesSync(source, now, now);
  api = await npmStart(port);
  expect(output).toContain('Compiling the BFF');
  expect(output).not.toContain('demo district loaded'); // already there
  expect(output).not.toContain('admin created');
  const again = await api.login('13700001234', 'Again@2026');
  expect((await api.get('/api/me', { token: again })).body.name).toBe('第二次启动');
  await stopAndExpectDatabaseGone();
});
