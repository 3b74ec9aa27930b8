// npm run bench: req/s of a bare Koa endpoint, a menu read and order placement (and its
// p99) at 50 connections, from one run; the server runs in its own process.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import readline from 'node:readline';
import { ensureDependencies, ensureFerretdb, root } from './lib/prepare.mjs';

ensureDependencies();
ensureFerretdb();
const { default: autocannon } = await import('autocannon');

const seconds = Number(process.env.BENCH_SECONDS || 10);
const connections = Number(process.env.BENCH_CONNECTIONS || 50);
const child = spawn(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'bench/server.ts')], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, TZ: 'UTC' },
});
const line = await new Promise((resolve, reject) => {
  readline.createInterface({ input: child.stdout }).once('line', resolve);
  child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
});
const env = JSON.parse(line);

async function measure(title, opts) {
  await autocannon({ ...opts, duration: 2, connections }); // warm-up
  const r = await autocannon({ ...opts, duration: seconds, connections });
  const ok = r['2xx'];
  const res = {
    title,
    reqPerSec: Math.round(ok / seconds),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
  process.stdout.write(
    `${title.padEnd(18)} ${String(res.reqPerSec).padStart(7)} req/s   p50 ${res.p50} ms   p99 ${res.p99} ms   non-2xx ${res.non2xx}   errors ${res.errors}\n`,
  );
  return res;
}

try {
  process.stdout.write(
    `\n${connections} connections, ${seconds} s each, on ${(await import('node:os')).cpus().length} cores\n`,
  );
  const bare = await measure('bare Koa', { url: env.bare });
  // A small cached read through the whole middleware stack: what the stack itself costs.
  const stack = await measure('canteen read', {
    url: `${env.api}/api/canteens/${env.canteenId}`,
    headers: { authorization: `Bearer ${env.token}` },
  });
  const menu = await measure('menu read', {
    url: `${env.api}/api/canteens/${env.canteenId}/menus/${env.date}`,
    headers: { authorization: `Bearer ${env.token}` },
  });
  let n = 0;
  const place = await measure('order placement', {
    url: `${env.api}/api/meal-orders`,
    method: 'POST',
    headers: { authorization: `Bearer ${env.token}`, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          n += 1;
          const body = {
            elderId: env.elderIds[n % env.elderIds.length],
            canteenId: env.canteenId,
            date: env.date,
            slot: 'lunch',
            fulfilment: 'dine_in',
            items: [{ dishId: env.dishIds[n % env.dishIds.length], qty: 1 }],
          };
          return {
            ...req,
            headers: { ...req.headers, 'idempotency-key': randomUUID() },
            body: JSON.stringify(body),
          };
        },
      },
    ],
  });
  const ratio = (a, b) => (b.reqPerSec ? (a.reqPerSec / b.reqPerSec).toFixed(3) : 'n/a');
  process.stdout.write(
    `\ncanteen read / bare    ${ratio(stack, bare)}   (the middleware stack alone)\n` +
      `menu read / bare       ${ratio(menu, bare)}   (target ≥ 0.5)\n` +
      `placement / bare       ${ratio(place, bare)}   (target ≥ 0.1)\n` +
      `placement p99          ${place.p99} ms   (target ≤ 100 ms at 50 connections)\n`,
  );
} finally {
  child.kill('SIGTERM');
}
