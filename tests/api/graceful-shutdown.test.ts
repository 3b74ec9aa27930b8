/**
 * A deploy sends SIGTERM to a BFF process that is in the middle of answering people. The
 * requests it has already received must still get their answer (an elder's order must not
 * vanish half-way), new connections must be refused at once (so the proxy sends them to
 * another process), idle keep-alive connections closed, and the process must exit 0 — also
 * when a client never finishes its request (after SHUTDOWN_TIMEOUT_MS).
 *
 * "In flight" is made certain, not hoped for: each request sends its headers and half its
 * body before the signal (a phone on a slow network), and the rest after it.
 */
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { startChildBff, type ChildBff } from '../harness/child-bff';
import { workerConnection } from '../harness/server';

const admin = { phone: '13900007777', password: 'Admin@Stop1234', name: '停机测试管理员' };
const dbName = `gs_${process.env.JEST_WORKER_ID}_${Date.now().toString(36)}`;
const children: ChildProcess[] = [];
let bootstrapped = false;

async function startBff(shutdownTimeoutMs: number): Promise<{ bff: ChildBff; port: number }> {
  const bff = await startChildBff({
    ...workerConnection(),
    dbName,
    admin,
    bootstrap: !bootstrapped,
    env: { SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) },
  });
  bootstrapped = true;
  children.push(bff.process);
  return { bff, port: Number(new URL(bff.api.baseUrl).port) };
}
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  status?: number;
  connection?: string;
  body?: any;
  error?: string;
}

const keepAliveAgent = new http.Agent({ keepAlive: true });
afterAll(() => keepAliveAgent.destroy());

/** A POST whose headers and first half of the body are sent now, the rest on `finish()`. */
function halfSentPost(port: number, path: string, body: unknown) {
  const bytes = Buffer.from(JSON.stringify(body));
  const req = http.request({
    host: '127.0.0.1',
    port,
    path,
    method: 'POST',
    agent: keepAliveAgent, // as a browser would: the server, not the client, asks to close
    headers: { 'content-type': 'application/json', 'content-length': bytes.length },
  });
  const answer = new Promise<Answer>((resolve) => {
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode, connection: res.headers.connection, body: JSON.parse(text) }),
      );
    });
    req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
  });
  req.write(bytes.subarray(0, bytes.length >> 1));
  return { answer, finish: () => req.end(bytes.subarray(bytes.length >> 1)) };
}

const canConnect = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** A keep-alive connection that has had its answer and now sits idle. */
async function idleKeepAliveConnection(port: number): Promise<{ closed: Promise<void> }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  let received = '';
  const answered = new Promise<void>((resolve) =>
    socket.on('data', (c) => {
      received += c;
      if (received.includes('{"ok":true}')) resolve();
    }),
  );
  socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await answered;
  expect(received).toMatch(/keep-alive/i);
  return { closed: new Promise((r) => socket.once('close', () => r())) };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

test('SIGTERM: received requests finish with 200/201, new connections are refused, idle keep-alive connections close, exit 0', async () => {
  const { bff, port } = await startBff(20_000);
  const idle = await idleKeepAliveConnection(port);
  const inFlight = [
    halfSentPost(port, '/api/auth/login', { phone: admin.phone, password: admin.password }),
    halfSentPost(port, '/api/auth/login', { phone: admin.phone, password: admin.password }),
    halfSentPost(port, '/api/auth/register', {
      phone: '13700007777',
      password: 'Stop@2026ok',
      name: '停机前注册',
    }),
  ];
  await sleep(300); // the server has their headers and is reading their bodies
  const exit = exited(bff.process);
  bff.process.kill('SIGTERM');

  // New connections are refused while the received requests are still open…
  let refused = false;
  for (let i = 0; i < 50 && !refused; i++) {
    refused = !(await canConnect(port));
    if (!refused) await sleep(100);
  }
  expect(refused).toBe(true);
  await idle.closed;
  expect(bff.process.exitCode).toBeNull(); // …and the process waits for them.

  for (const r of inFlight) r.finish();
  const answers = await Promise.all(inFlight.map((r) => r.answer));
  expect(answers.map((a) => a.status)).toEqual([200, 200, 201]);
  expect(answers[0].body.token).toEqual(expect.any(String));
  expect(answers[2].body.user.name).toBe('停机前注册');
  // Their connections are closed after the answer, not kept alive for a process that is leaving.
  expect(answers.map((a) => a.connection)).toEqual(['close', 'close', 'close']);
  expect(await exit).toBe(0);

  // What was written during the shutdown is there for the next process.
  const { bff: next } = await startBff(20_000);
  const token = await next.api.login('13700007777', 'Stop@2026ok');
  expect((await next.api.get('/api/me', { token })).body.name).toBe('停机前注册');
  next.process.kill('SIGTERM');
  expect(await exited(next.process)).toBe(0);
});

test('a request that never finishes is cut after SHUTDOWN_TIMEOUT_MS and the process still exits 0', async () => {
  const { bff, port } = await startBff(1_000);
  const stuck = halfSentPost(port, '/api/auth/login', { phone: admin.phone, password: admin.password });
  await sleep(300);
  const started = Date.now();
  bff.process.kill('SIGTERM');
  expect(await exited(bff.process)).toBe(0);
  const waited = Date.now() - started;
  expect(waited).toBeGreaterThanOrEqual(900); // it was given its time…
  expect(waited).toBeLessThan(8_000); // …and not forever
  expect((await stuck.answer).status).toBeUndefined(); // the connection was cut, no answer
}, 30_000);
