/**
 * npx tsx scripts/bench-settlement-xlsx.ts — the settlement downloads for a busy canteen's month:
 * ~9,000 orders (300 elders, 30 days, breakfast/lunch/dinner plus a few delivered), each with one
 * or two subsidies, stored in a fresh embedded database (FerretDB on PostgreSQL, or MONGODB_URI),
 * then the JSON settlement, the XLSX and the CSV fetched over HTTP as admin (time and size of
 * each, best of three), and the workbook built alone from the same orders without the database.
 * BENCH_ORDERS changes the count.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { addDays, makeIdCardNo, settlementSums } from '@yiyangtong/shared';
import { actorOf } from '../bff/src/accounts/routes';
import { createUser } from '../bff/src/accounts/service';
import { createApp } from '../bff/src/app';
import { configFromEnv } from '../bff/src/config';
import { tokenService } from '../bff/src/core/auth';
import { ensureIndexes, openDatabase } from '../bff/src/db';
import { analyzeDatabase } from '../bff/src/db/pg-indexes';
import { idCardCipher, idCardKeyFor, useIdCardKey } from '../bff/src/elders/idcard-crypto';
import { Elder } from '../bff/src/elders/model';
import { createLogger } from '../bff/src/log';
import { orderKeys, type MealOrderDoc } from '../bff/src/orders/model';
import { Canteen, Community } from '../bff/src/places/model';
import { settlementOrder, settlementWorkbook } from '../bff/src/reports/settlement-export';
import { seedDemoDistrict } from '../bff/src/seed/demo';

const ORDERS = Number(process.env.BENCH_ORDERS || 9000);
const MONTH = '2026-11';
const SLOTS = ['breakfast', 'lunch', 'dinner'] as const;

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-bench-xlsx-'));
  const db = await openDatabase({ dataDir, dbName: 'benchxlsx' });
  try {
    await ensureIndexes();
    const idCardKey = idCardKeyFor(process.env, dataDir);
    useIdCardKey(idCardKey);
    await seedDemoDistrict();
    const community = await Community.findOne().lean();
    const canteen = await Canteen.findOne({ communityId: String(community!._id) }).lean();
    const canteenId = String(canteen!._id);
    const communityId = String(community!._id);
    const elders = await Elder.insertMany(
      Array.from({ length: 300 }, (_, i) => {
        const birthDate = `19${40 + (i % 25)}-0${1 + (i % 9)}-1${i % 10}`;
        return {
          name: `长者${i}`,
          ...idCardCipher().seal(makeIdCardNo('530111', birthDate, 300 + i)),
          birthDate,
          address: '官渡区',
          communityId,
          groups: i % 5 === 0 ? ['dibao'] : [],
          diet: [],
          emergencyContacts: [],
          createdBy: 'bench',
        };
      }),
    );
    const docs = Array.from({ length: ORDERS }, (_, i) => {
      const elder = elders[i % elders.length];
      const date = addDays(`${MONTH}-01`, Math.floor(i / (ORDERS / 30)) % 30);
      const slot = SLOTS[i % 3];
      const subtotal = 1200 + (i % 7) * 100;
      const discounts = [
        { ruleId: 'rule-age', name: '70岁以上每餐减2元', amount: 200, fundedBy: 'government' as const },
        ...(i % 4 === 0
          ? [
              {
                ruleId: 'rule-canteen',
                name: '食堂会员九折',
                amount: Math.round(subtotal / 10),
                fundedBy: 'canteen' as const,
              },
            ]
          : []),
      ];
      const off = discounts.reduce((s, d) => s + d.amount, 0);
      const deliveryFee = i % 10 === 0 ? 200 : 0;
      const by = { userId: 'bench', role: 'worker' as const, name: '压测助老员' };
      return {
        _id: new mongoose.Types.ObjectId(),
        elderId: String(elder._id),
        elderName: elder.name,
        communityId,
        canteenId,
        date,
        slot,
        items: [{ dishId: 'd1', name: '套餐', price: subtotal, qty: 1 }],
        fulfilment: deliveryFee ? 'delivery' : 'dine_in',
        pricing: { subtotal, discounts, deliveryFee, payable: subtotal - off + deliveryFee },
        pickupCode: String(i).padStart(6, '0'),
        ...orderKeys({ canteenId, communityId, elderId: String(elder._id), date }),
        bookedBy: by,
        status: i % 50 === 0 ? 'cancelled' : 'collected',
        history: [],
        cutoffAt: new Date(`${date}T02:00:00Z`),
        createdAt: new Date(`${date}T00:00:00Z`),
      };
    });
    const coll = mongoose.connection.db!.collection('meal_orders');
    for (let i = 0; i < docs.length; i += 1000) await coll.insertMany(docs.slice(i, i + 1000) as never[]);
    if (db.postgresUrl) await analyzeDatabase(db.postgresUrl, db.dbName);

    const config = { ...configFromEnv({}), jwtSecret: 'bench', logLevel: 'warn', idCardKey };
    const admin = await createUser({
      role: 'admin',
      name: '压测管理员',
      phone: '13911119999',
      password: 'Bench@12345',
    });
    const token = tokenService(config.jwtSecret, '2h').sign(actorOf(admin));
    const { app } = createApp({ config, log: createLogger('warn') });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 100));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const q = `canteenId=${canteenId}&month=${MONTH}`;

    const lines: string[] = [];
    for (const [label, url] of [
      ['JSON 结算', `/api/reports/settlement?${q}`],
      ['XLSX', `/api/reports/settlement.xlsx?${q}`],
      ['CSV', `/api/reports/settlement.csv?${q}`],
    ]) {
      let best = Infinity;
      let bytes = 0;
      for (let run = 0; run < 3; run += 1) {
        const started = performance.now();
        const res = await fetch(base + url, {
          headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'identity' },
        });
        const body = Buffer.from(await res.arrayBuffer());
        if (res.status !== 200) throw new Error(`${label}: ${res.status} ${body.toString().slice(0, 200)}`);
        best = Math.min(best, performance.now() - started);
        bytes = body.length;
      }
      lines.push(
        `${label.padEnd(8)} ${String(Math.round(best)).padStart(6)} ms   ${(bytes / 1024).toFixed(0).padStart(6)} KB`,
      );
    }
    // The workbook alone (no database): what exceljs costs for these lines.
    const stored = await coll.find({ canteenMonth: `${canteenId}:${MONTH}` }).toArray();
    const started = performance.now();
    const sums = settlementSums((stored as unknown as MealOrderDoc[]).map(settlementOrder));
    const maskedIds = new Map(elders.map((e) => [String(e._id), '5301**********0000']));
    const xlsx = await settlementWorkbook(
      { canteenName: canteen!.name, month: MONTH, sums, maskedIds },
      new Date(),
    );
    const buildMs = performance.now() - started;
    server.close();
    process.stdout.write(
      [
        `settlement downloads, ${ORDERS} orders of one canteen in ${MONTH} (${sums.orders} settled, ${sums.lines.length} subsidy lines), ${db.kind}:`,
        ...lines,
        `XLSX built alone (sums + exceljs, no database): ${Math.round(buildMs)} ms, ${(xlsx.length / 1024).toFixed(0)} KB`,
        '',
      ].join('\n'),
    );
  } finally {
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
