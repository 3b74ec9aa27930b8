/**
 * `npm run bench:care`: the care-call desk with 5,000 elders on plans. On a fresh embedded
 * database (FerretDB on PostgreSQL, or MONGODB_URI), the real BFF over HTTP:
 * - 5,000 elders on daily plans in 25 communities (200 each) and a month of their calls
 *   (~50k): a worker's GET /api/care-calls for today and for yesterday, the plan page,
 *   a month's figures, and POST /api/care-calls (p50 of 20 each);
 * - then all 5,000 in one community (the worst case: one worker's list is 5,000 rows).
 * Every query is an equality on an indexed field (tests/api/index-usage.test.ts proves the
 * plans): the list's cost follows the community's rows, not the 5,000 or the stored calls.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import mongoose from 'mongoose';
import { addDays, chinaDate, makeIdCardNo } from '@yiyangtong/shared';
import { actorOf } from '../bff/src/accounts/routes';
import { createUser } from '../bff/src/accounts/service';
import { createApp } from '../bff/src/app';
import { careCallId, communityDay } from '../bff/src/care/model';
import { configFromEnv } from '../bff/src/config';
import { tokenService } from '../bff/src/core/auth';
import { ensureIndexes, openDatabase } from '../bff/src/db';
import { analyzeDatabase } from '../bff/src/db/pg-indexes';
import { idCardCipher, idCardKeyFor, useIdCardKey } from '../bff/src/elders/idcard-crypto';
import { createLogger } from '../bff/src/log';

const ELDERS = 5000;
const COMMUNITIES = 25;
const DAYS = 30;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (what: string, value: string) => process.stdout.write(`${what.padEnd(52)} ${value}\n`);

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-bench-care-'));
  const db = await openDatabase({ dataDir, dbName: 'bench_care' });
  try {
    await ensureIndexes();
    const idCardKey = idCardKeyFor(process.env, dataDir);
    useIdCardKey(idCardKey);
    const config = { ...configFromEnv({}), jwtSecret: 'bench', logLevel: 'warn', idCardKey };
    const { app } = createApp({ config, log: createLogger('warn') });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const tokens = tokenService(config.jwtSecret, '2h');
    process.stdout.write(`\ncare calls, database: ${db.kind}, ${os.cpus().length} cores\n`);

    const today = chinaDate();
    const first = addDays(today, -DAYS);
    const communities = Array.from({ length: COMMUNITIES }, () => String(new mongoose.Types.ObjectId()));
    /** Puts ELDERS elders on daily plans, community i % n, with a month of calls (a third a day). */
    const load = async (communityOf: (i: number) => string) => {
      const t0 = Date.now();
      for (const c of ['elders', 'care_plans', 'care_calls'])
        await mongoose.connection.db!.collection(c).deleteMany({});
      const elders = Array.from({ length: ELDERS }, (_, i) => {
        const birthDate = `19${40 + Math.floor(i / 1000)}-0${1 + (i % 9)}-1${i % 10}`;
        return {
          _id: new mongoose.Types.ObjectId(),
          name: `压测长者${i}`,
          ...idCardCipher().seal(makeIdCardNo('530111', birthDate, i % 1000)),
          phone: `139${String(20_000_000 + i).padStart(8, '0')}`,
          birthDate,
          address: '官渡区关上街道',
          communityId: communityOf(i),
          groups: [],
          diet: [],
          emergencyContacts: [],
          livesAlone: i % 3 === 0,
          createdBy: 'bench',
          createdAt: new Date(),
        };
      });
      const db_ = mongoose.connection.db!;
      for (let i = 0; i < ELDERS; i += 1000)
        await db_.collection('elders').insertMany(elders.slice(i, i + 1000));
      await db_.collection('care_plans').insertMany(
        elders.map((e) => ({
          _id: String(e._id) as never,
          elderId: String(e._id),
          communityId: e.communityId,
          weekdays: [1, 2, 3, 4, 5, 6, 7],
          status: 'active',
          since: first,
          seq: DAYS,
          lastOutcome: 'well',
        })),
      );
      const calls = [];
      for (let d = 0; d < DAYS; d++)
        for (const [i, e] of elders.entries()) {
          if ((i + d) % 3) continue;
          const date = addDays(first, d);
          calls.push({
            _id: careCallId(String(e._id), d + 1) as never,
            elderId: String(e._id),
            elderName: e.name,
            communityId: e.communityId,
            date,
            communityDay: communityDay(e.communityId, date),
            seq: d + 1,
            outcome: 'well',
            by: { userId: 'bench', role: 'worker', name: '压测助老员' },
            calledAt: new Date(`${date}T02:00:00Z`),
            escalated: false,
          });
        }
      for (let i = 0; i < calls.length; i += 5000)
        await db_.collection('care_calls').insertMany(calls.slice(i, i + 5000));
      if (db.postgresUrl) await analyzeDatabase(db.postgresUrl, db.dbName);
      line(
        `loaded ${ELDERS} elders on plans, ${calls.length.toLocaleString('en')} calls`,
        `${Math.round((Date.now() - t0) / 1000)} s`,
      );
      return elders;
    };
    const workerOf = async (communityId: string) =>
      tokens.sign(
        actorOf(
          await createUser({
            role: 'worker',
            name: '压测助老员',
            phone: `1391111${String(Math.floor(Math.random() * 10000)).padStart(4, '0')}`,
            password: 'Bench@12345',
            communityId,
          }),
        ),
      );
    const timed = async (what: string, token: string, url: string, init: RequestInit = {}) => {
      const ms: number[] = [];
      let rows = 0;
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        const res = await fetch(base + url, {
          ...init,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        });
        const body = (await res.json()) as { items?: unknown[] };
        if (!res.ok) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
        ms.push(performance.now() - t0);
        rows = body.items?.length ?? 0;
      }
      line(what, `${median(ms).toFixed(0)} ms (p50 of 20)${rows ? `, ${rows} rows` : ''}`);
    };
    const run = async (label: string, communityId: string, elderIds: string[]) => {
      const token = await workerOf(communityId);
      await timed(`${label}: GET /api/care-calls (today)`, token, '/api/care-calls');
      await timed(
        `${label}: GET /api/care-calls (yesterday)`,
        token,
        `/api/care-calls?date=${addDays(today, -1)}`,
      );
      await timed(`${label}: GET /api/care-plans`, token, '/api/care-plans');
      await timed(
        `${label}: GET /api/care-calls/summary (30 days)`,
        token,
        `/api/care-calls/summary?from=${addDays(today, -29)}&to=${today}`,
      );
      let k = 0;
      await timed(`${label}: POST /api/care-calls`, token, '/api/care-calls', {
        method: 'POST',
        get body() {
          return JSON.stringify({ elderId: elderIds[k++ % elderIds.length], outcome: 'well' });
        },
      } as RequestInit);
    };

    let elders = await load((i) => communities[i % COMMUNITIES]);
    await run(
      `${ELDERS / COMMUNITIES} per community`,
      communities[3],
      elders.filter((e) => e.communityId === communities[3]).map((e) => String(e._id)),
    );
    elders = await load(() => communities[0]);
    await run(
      `all ${ELDERS} in one`,
      communities[0],
      elders.slice(0, 20).map((e) => String(e._id)),
    );
    server.close();
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
