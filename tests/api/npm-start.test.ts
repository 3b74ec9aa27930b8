/**
 * `npm start` as a newcomer runs it: its own FerretDB in a fresh data dir, the first admin
 * and the demo district, API and H5 on one port; SIGTERM stops it and its database.
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

const ferretdbsOf = (dir: string) => {
  try {
    return execFileSync('pgrep', ['-f', `state-dir=${dir}`], { encoding: 'utf8' }).trim();
  } catch {
    return ''; // pgrep exits 1 when nothing matches
  }
};

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

test('npm start serves health, the H5 app and the demo accounts, and stops cleanly', async () => {
  const port = await freePort();
  child = spawn('npm', ['start'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, SEED_DEMO: '1', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout!.on('data', (d) => (output += String(d)));
  child.stderr!.on('data', (d) => (output += String(d)));
  const api = new ApiClient(`http://127.0.0.1:${port}`);
  for (let i = 0; i < 600 && !output.includes('is running'); i++)
    await new Promise((r) => setTimeout(r, 100));
  expect(output).toContain(`http://localhost:${port}/`);
  expect(output).toContain('13900000005 / Demo@2026');

  expect((await api.get('/api/health')).body).toEqual({ ok: true });
  const page = await fetch(`http://127.0.0.1:${port}/`);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('<title>颐养通</title>');
  const token = await api.login('13900000004', 'Demo@2026');
  const linked = await api.get('/api/family/elders', { token });
  expect(linked.body.items.map((e: { name: string }) => e.name)).toEqual(['张桂兰']);
  expect(ferretdbsOf(dataDir)).not.toBe('');

  const exited = new Promise((resolve) => child.once('exit', resolve));
  signalGroup('SIGTERM');
  await exited; // npm itself ends by the signal, as after Ctrl+C
  expect(output).not.toContain('failed');
  for (let i = 0; i < 50 && ferretdbsOf(dataDir); i++) await new Promise((r) => setTimeout(r, 100));
  expect(ferretdbsOf(dataDir)).toBe('');
});
