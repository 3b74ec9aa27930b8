// npm run bench: in one run, a bare Koa endpoint, the database's raw insert rate, cached
// reads, and — with 10k and then 1M orders stored — the staff's order list, the counter's
// check-out and order placement (req/s, p50, p99 at 50 connections). The server runs in its
// own process; BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_SMALL, BENCH_LARGE, BENCH_ELDERS adjust it,
// BENCH_PROFILE=<dir> writes the server's CPU profile, BENCH_READS_ONLY=1 stops after the cached reads.
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
// BENCH_PROFILE=<dir>: the server writes a CPU profile there when it stops (open it in Chrome DevTools).
const profile = process.env.BENCH_PROFILE
  ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`]
  : [];
const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(root, 'bench/server.ts')], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, TZ: 'UTC' },
});
const line = await new Promise((resolve, reject) => {
  readline.createInterface({ input: child.stdout }).once('line', resolve);
  child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
});
const env = JSON.parse(line);

async function measure(title, { seconds: secs = seconds, connections: conns = connections, ...opts }) {
  await autocannon({ ...opts, duration: 1, connections: conns }); // warm-up
  const r = await autocannon({ ...opts, duration: secs, connections: conns });
  await new Promise((resolve) => setTimeout(resolve, 1000)); // let the server finish what is in flight
  const ok = r['2xx'];
  const res = {
    title,
    reqPerSec: Math.round(ok / secs),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
  process.stdout.write(
    `${title.padEnd(18)} ${String(res.reqPerSec).padStart(7)} req/s   (${conns} conn.)   p50 ${res.p50} ms   p99 ${res.p99} ms   non-2xx ${res.non2xx}   errors ${res.errors}\n`,
  );
  return res;
}

const control = async (what, params = {}) => {
  const res = await fetch(`${env.control}/${what}?${new URLSearchParams(params)}`, { method: 'POST' });
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res.json();
};
const auth = (token) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });

let placed = 0;
const placement = () => ({
  url: `${env.api}/api/meal-orders`,
  method: 'POST',
  headers: auth(env.token),
  requests: [
    {
      setupRequest: (req) => {
        placed += 1;
        const body = {
          elderId: env.elderIds[placed % env.elderIds.length], // a new elder each time (see bench/server.ts)
          canteenId: env.canteenId,
          date: env.date,
          slot: 'lunch',
          fulfilment: 'dine_in',
          items: [{ dishId: env.dishIds[placed % env.dishIds.length], qty: 1 }],
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

/** One growth stage: the stored orders brought up to `total`, then the three measurements. */
async function stage(label, total, stored) {
  // Each stage reads its own sheets: a lunch list and orders waiting at the counter.
  const listDate = `2027-0${stage.n + 1}-10`;
  const counterDate = `2027-0${stage.n + 1}-20`;
  stage.n += 1;
  const counterOrders = 6000;
  const sheet = 150; // one lunch at a busy canteen
  const sheets = sheet + counterOrders;
  const t0 = Date.now();
  await control('sheet', { date: listDate, count: sheet });
  const { codes } = await control('sheet', { date: counterDate, count: counterOrders });
  const background = total - stored - sheets;
  for (let left = background; left > 0; left -= 50_000)
    await control('load', { count: Math.min(left, 50_000) });
  await control('analyze');
  process.stdout.write(
    `\n— ${label}: ${total.toLocaleString('en')} orders stored (loaded ${Math.max(background, 0).toLocaleString('en')} + ${sheets} in ${Math.round((Date.now() - t0) / 1000)} s)\n`,
  );
  const list = await measure(`staff order list`, {
    url: `${env.api}/api/canteens/${env.canteenId}/orders?date=${listDate}&slot=lunch`,
    headers: auth(env.staffToken),
    connections: 10, // a district's counters, not a crowd
  });
  let c = 0;
  const checkout = await measure('pickup check-out', {
    url: `${env.api}/api/canteens/${env.canteenId}/pickups`,
    method: 'POST',
    headers: auth(env.staffToken),
    seconds: Math.min(seconds, 5),
    connections: 10,
    requests: [
      {
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({ code: codes[c++ % codes.length], date: counterDate }),
        }),
      },
    ],
  });
  const before = placed;
  const place = await measure('order placement', placement());
  return { list, checkout, place, stored: total + (placed - before) };
}
stage.n = 0;

try {
  process.stdout.write(
    `\n${connections} connections, ${seconds} s each, on ${(await import('node:os')).cpus().length} cores, database: ${env.database}\n`,
  );
  const bare = await measure('bare Koa', { url: env.bare });
  const { insertsPerSec } = await control('raw-insert', { seconds });
  process.stdout.write(
    `${'raw insertOne 1 KB'.padEnd(18)} ${String(insertsPerSec).padStart(7)} docs/s (50 writers)\n`,
  );
  const stack = await measure('canteen read', {
    url: `${env.api}/api/canteens/${env.canteenId}`,
    headers: auth(env.token),
  });
  const menu = await measure('menu read', {
    url: `${env.api}/api/canteens/${env.canteenId}/menus/${env.date}`,
    headers: auth(env.token),
  });
  // The mini-program asks for compressed answers, as WeChat and browsers do.
  const phone = await measure('menu read, phone', {
    url: `${env.api}/api/canteens/${env.canteenId}/menus/${env.fullMenuDate}`,
    headers: { ...auth(env.token), 'accept-encoding': 'gzip, deflate, br' },
  });
  if (process.env.BENCH_READS_ONLY === '1') {
    child.kill('SIGTERM'); // the cached reads only: no orders stored, no stages
    process.exit(0);
  }
  const small = await stage('small district', Number(process.env.BENCH_SMALL || 10_000), 0);
  const large = await stage('grown district', Number(process.env.BENCH_LARGE || 1_000_000), small.stored);

  const r = (a, b) => (b ? (a / b).toFixed(2) : 'n/a');
  const lat = (a, b) => (b ? (a / b).toFixed(2) : 'n/a');
  process.stdout.write(
    `\nratios (one run)\n` +
      `canteen read / bare                ${r(stack.reqPerSec, bare.reqPerSec)}   (the middleware stack alone)\n` +
      `menu read / bare                   ${r(menu.reqPerSec, bare.reqPerSec)}\n` +
      `phone menu read / bare             ${r(phone.reqPerSec, bare.reqPerSec)}   (br, a full day's menu)\n` +
      `placement 1M / 10k                 ${r(large.place.reqPerSec, small.place.reqPerSec)}   (goal ≥ 0.8)\n` +
      `staff list p50 1M / 10k            ${lat(large.list.p50, small.list.p50)}   (goal ≤ 2; req/s ${r(large.list.reqPerSec, small.list.reqPerSec)})\n` +
      `check-out p50 1M / 10k             ${lat(large.checkout.p50, small.checkout.p50)}   (goal ≤ 2; req/s ${r(large.checkout.reqPerSec, small.checkout.reqPerSec)})\n` +
      `placement / raw insert             ${r(large.place.reqPerSec, insertsPerSec)}   (goal ≥ 0.5, at 1M)\n` +
      `placement / bare                   ${r(large.place.reqPerSec, bare.reqPerSec)}\n` +
      `placement p99 at ${connections} connections   ${small.place.p99} ms at 10k, ${large.place.p99} ms at 1M\n`,
  );
} finally {
  child.kill('SIGTERM');
}
