/**
 * `npm run bench:audit`: what the audit log costs and how it reads when a district has kept it
 * for a year. On a fresh embedded database (FerretDB on PostgreSQL, or MONGODB_URI):
 * - the cost per change: one `recordAudit` (the entry plus its day marker), one at a time and
 *   20 at once, and the per-request account check every signed-in call now makes;
 * - with BENCH_AUDIT_ENTRIES (default 1,000,000) entries over 366 days, 20 communities, 300
 *   people and 100k records: the audit viewer's queries (one record's history, a person's
 *   month, a community's first page, everything's first and second page), median of 10 each.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { addDays, chinaDate } from '@yiyangtong/shared';
import { createUser } from '../bff/src/accounts/service';
import { User } from '../bff/src/accounts/model';
import { AuditDay, AuditEntryModel } from '../bff/src/audit/model';
import { findAudit } from '../bff/src/audit/queries';
import { chinaHour, recordAudit } from '../bff/src/audit/record';
import type { Actor } from '../bff/src/core/auth';
import { ensureIndexes, openDatabase } from '../bff/src/db';
import { analyzeDatabase } from '../bff/src/db/pg-indexes';

const ENTRIES = Number(process.env.BENCH_AUDIT_ENTRIES || 1_000_000);
const COMMUNITIES = Array.from({ length: 20 }, () => String(new mongoose.Types.ObjectId()));
const ACTORS = Array.from({ length: 300 }, () => String(new mongoose.Types.ObjectId()));
const TARGETS = 100_000;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function timed(n: number, f: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await f(i);
    out.push(performance.now() - t0);
  }
  return out;
}
const line = (what: string, value: string) => process.stdout.write(`${what.padEnd(46)} ${value}\n`);

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-bench-audit-'));
  const db = await openDatabase({ dataDir, dbName: 'bench_audit' });
  try {
    await ensureIndexes();
    process.stdout.write(`\naudit log, database: ${db.kind}, ${os.cpus().length} cores\n`);
    const admin = { id: ACTORS[0], role: 'admin', name: '压测管理员' } as const;
    const change = (i: number) => ({
      action: 'elder.update',
      targetType: 'elder' as const,
      targetId: String(new mongoose.Types.ObjectId()),
      communityId: COMMUNITIES[i % 20],
      changes: [
        { field: 'phone', before: '13800001234', after: `1390000${String(i % 10000).padStart(4, '0')}` },
      ],
      reason: '家属告知新号码',
    });
    const one = await timed(500, (i) => recordAudit(admin, change(i)));
    line('recordAudit, one at a time (p50)', `${median(one).toFixed(2)} ms per change`);
    const t0 = performance.now();
    for (let b = 0; b < 25; b++)
      await Promise.all(Array.from({ length: 20 }, (_, i) => recordAudit(admin, change(b * 20 + i))));
    line('recordAudit, 20 at once', `${((performance.now() - t0) / 500).toFixed(2)} ms per change (wall)`);
    const user = await createUser({
      role: 'worker',
      name: '压测助老员',
      phone: '13900000001',
      communityId: COMMUNITIES[0],
    });
    const check = await timed(1000, () => User.findById(user._id, { disabled: 1, tokenVersion: 1 }).lean());
    line('account check per signed-in request (p50)', `${median(check).toFixed(2)} ms`);

    // A year of entries, as recordAudit writes them (bulk-loaded).
    const today = chinaDate();
    const t1 = Date.now();
    const batch = 5000;
    const days = new Map<string, Set<string>>();
    for (let done = 0; done < ENTRIES; done += batch) {
      const docs = Array.from({ length: Math.min(batch, ENTRIES - done) }, (_, k) => {
        const i = done + k;
        const at = new Date(Date.now() - Math.floor((i / ENTRIES) * 366 * 86_400_000) - (i % 997) * 1000);
        const day = chinaDate(at);
        const hour = chinaHour(at);
        const communityId = COMMUNITIES[i % 20];
        const actorId = ACTORS[(i * 7) % 300];
        const targetId = String(i % TARGETS).padStart(24, '0');
        let set = days.get(day);
        if (!set) days.set(day, (set = new Set()));
        set.add(hour.slice(-2));
        return {
          _id: new mongoose.Types.ObjectId(),
          at,
          actorId,
          actorRole: 'worker',
          actorName: '压测助老员',
          action: 'elder.update',
          targetType: 'elder',
          targetId,
          communityId,
          changes: [{ field: 'address', before: '旧地址', after: '新地址' }],
          targetKey: `elder:${targetId}`,
          actorDay: `${actorId}:${day}`,
          communityDay: `${communityId}:${day}`,
          hour,
        };
      });
      await AuditEntryModel.collection.insertMany(docs, { ordered: false });
    }
    for (const [day, hours] of days)
      await AuditDay.updateOne(
        { _id: day },
        { $set: Object.fromEntries([...hours].map((h) => [`hours.${h}`, true])) },
        { upsert: true },
      );
    if (db.postgresUrl) await analyzeDatabase(db.postgresUrl, db.dbName);
    line(`loaded ${ENTRIES.toLocaleString('en')} entries`, `${Math.round((Date.now() - t1) / 1000)} s`);

    const asAdmin: Actor = { id: ACTORS[0], role: 'admin', name: '压测管理员' };
    const asWorker: Actor = { ...asAdmin, role: 'worker', communityId: COMMUNITIES[3] };
    const query = async (what: string, actor: Actor, q: Parameters<typeof findAudit>[1]) => {
      let rows = 0;
      let next: string | undefined;
      const ms = await timed(10, async () => {
        const r = await findAudit(actor, q, 50);
        rows = r.items.length;
        next = r.more ? String(r.items[r.items.length - 1]._id) : undefined;
      });
      line(what, `${median(ms).toFixed(0)} ms (p50 of 10), ${rows} rows`);
      return next;
    };
    await query("one record's history", asAdmin, { targetType: 'elder', targetId: '1234'.padStart(24, '0') });
    await query("a person's last 30 days, first page", asAdmin, {
      actorId: ACTORS[7],
      from: addDays(today, -29),
    });
    await query("a worker's community, first page", asWorker, {});
    const next = await query('everything, first page', asAdmin, {});
    await query('everything, second page', asAdmin, { before: next });
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
