/**
 * The server side of `npm run bench`: a fresh embedded database (FerretDB on PostgreSQL, or
 * MONGODB_URI), the real BFF with a canteen, a menu with ample portions and 30,000 elders, a
 * bare Koa app beside it on the same process, and a control endpoint the runner uses to
 * grow the stored orders between measurements (POST /load, /sheet, /raw-insert). Prints
 * one JSON line with the URLs and tokens, then serves.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import mongoose from 'mongoose';
import { addDays, chinaDate, makeIdCardNo, type Slot } from '@yiyangtong/shared';
import { actorOf } from '../bff/src/accounts/routes';
import { createUser } from '../bff/src/accounts/service';
import { createApp } from '../bff/src/app';
import { configFromEnv } from '../bff/src/config';
import { ensureIndexes, openDatabase } from '../bff/src/db';
import { tokenService } from '../bff/src/core/auth';
import { idCardCipher, idCardKeyFor, useIdCardKey } from '../bff/src/elders/idcard-crypto';
import { Elder } from '../bff/src/elders/model';
import { createLogger } from '../bff/src/log';
import { Dish, Menu, menuId } from '../bff/src/menus/model';
import { Canteen, Community } from '../bff/src/places/model';
import { seedDemoDistrict } from '../bff/src/seed/demo';
import { analyzeDatabase } from '../bff/src/db/pg-indexes';
import { OrderLoader } from './load-orders';

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-bench-'));
  const db = await openDatabase({ dataDir, dbName: 'bench' });
  await ensureIndexes();
  const idCardKey = idCardKeyFor(process.env, dataDir); // sealed ID numbers, as in production
  useIdCardKey(idCardKey);
  await seedDemoDistrict(); // the district's discount rules apply, as in production
  const config = { ...configFromEnv({}), jwtSecret: 'bench', logLevel: 'warn', idCardKey };
  const community = await Community.findOne().lean();
  const canteen = await Canteen.findOne({ communityId: String(community!._id) }).lean();
  const canteenId = String(canteen!._id);
  const date = addDays(chinaDate(), 2);
  // A menu of these dishes with `quota` portions each, none booked yet.
  const putMenu = async (
    day: string,
    slot: Slot,
    menuDishes: { _id: unknown; name: string; price: number }[],
    quota: number,
  ) => {
    const items = menuDishes.map((d) => ({ dishId: String(d._id), name: d.name, price: d.price, quota }));
    const _id = menuId(canteenId, day, slot);
    const remaining = Object.fromEntries(items.map((i) => [i.dishId, quota]));
    await Menu.replaceOne(
      { _id },
      { _id, canteenId, date: day, slot, items, remaining, updatedAt: new Date() },
      { upsert: true },
    );
    return items;
  };
  const dishes = await Dish.find({ canteenId }).limit(3).lean();
  const items = await putMenu(date, 'lunch', dishes, 1_000_000);
  // A full day's menu as phones read it (every slot the canteen serves, all its dishes): over
  // the 1 KB from which answers are compressed.
  const fullMenuDate = addDays(date, 1);
  const allDishes = await Dish.find({ canteenId }).lean();
  for (const { slot } of canteen!.slots) await putMenu(fullMenuDate, slot, allDishes, 200);
  // Each placement books a different elder's first lunch (a second one is a 409 ALREADY_BOOKED,
  // not a placement): enough elders for every request of both stages.
  const elderCount = Number(process.env.BENCH_ELDERS || 30_000);
  const elders: { _id: unknown }[] = [];
  for (let from = 0; from < elderCount; from += 2_000) {
    const batch = Array.from({ length: Math.min(2_000, elderCount - from) }, (_, j) => {
      const i = from + j;
      const birthDate = addDays('1940-01-01', i % 9_000); // born 1940–1964, ID numbers unique
      return {
        name: `压测长者${i}`,
        ...idCardCipher().seal(makeIdCardNo('530111', birthDate, 500 + Math.floor(i / 9_000))),
        birthDate,
        address: '官渡区',
        communityId: String(community!._id),
        groups: i % 7 === 0 ? ['dibao'] : [],
        diet: [],
        emergencyContacts: [],
        createdBy: 'bench',
      };
    });
    elders.push(...(await Elder.insertMany(batch, { lean: true })));
  }
  const worker = await createUser({
    role: 'worker',
    name: '压测助老员',
    phone: '13911110000',
    password: 'Bench@12345',
    communityId: String(community!._id),
  });
  const staff = await createUser({
    role: 'canteen_staff',
    name: '压测食堂员工',
    phone: '13911110001',
    password: 'Bench@12345',
    canteenId,
  });
  const tokens = tokenService(config.jwtSecret, '2h');
  const token = tokens.sign(actorOf(worker));
  const staffToken = tokens.sign(actorOf(staff));
  const loader = new OrderLoader(
    { canteenId, communityId: String(community!._id) },
    addDays(chinaDate(), -1),
  );
  const control = new Koa();
  control.use(async (ctx) => {
    const started = Date.now();
    const n = Number(ctx.query.count ?? 0);
    if (ctx.path === '/load') await loader.loadBackground(n);
    else if (ctx.path === '/sheet') {
      ctx.body = { codes: await loader.loadSheet(String(ctx.query.date), 'lunch', n) };
    } else if (ctx.path === '/raw-insert') ctx.body = await rawInsertRate(Number(ctx.query.seconds ?? 10));
    else if (ctx.path === '/analyze') {
      if (db.postgresUrl) await analyzeDatabase(db.postgresUrl, db.dbName);
    }
    ctx.body = { ...(ctx.body as object), seconds: (Date.now() - started) / 1000 };
  });
  const controlServer = control.listen(0, '127.0.0.1');

  const { app } = createApp({ config, log: createLogger('warn') });
  const server = app.listen(0, '127.0.0.1');
  const bare = new Koa();
  bare.use((ctx) => {
    ctx.body = { ok: true };
  });
  const bareServer = bare.listen(0, '127.0.0.1');
  await new Promise((r) => setTimeout(r, 100));
  const port = (s: typeof server) => (s.address() as { port: number }).port;
  process.stdout.write(
    `${JSON.stringify({
      api: `http://127.0.0.1:${port(server)}`,
      bare: `http://127.0.0.1:${port(bareServer)}/`,
      control: `http://127.0.0.1:${port(controlServer)}`,
      database: db.kind,
      token,
      staffToken,
      canteenId,
      date,
      fullMenuDate,
      dishIds: items.map((i) => i.dishId),
      elderIds: elders.map((e) => String(e._id)),
    })}\n`,
  );
  const stop = async () => {
    server.close();
    bareServer.close();
    controlServer.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

/** Single 1-KB documents inserted by 50 concurrent writers into a collection of their own. */
async function rawInsertRate(seconds: number): Promise<{ insertsPerSec: number }> {
  const coll = mongoose.connection.db!.collection('bench_raw_inserts');
  const payload = 'x'.repeat(1000);
  const until = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: 50 }, async () => {
      while (Date.now() < until) {
        await coll.insertOne({ payload, at: new Date() });
        done += 1;
      }
    }),
  );
  return { insertsPerSec: Math.round(done / seconds) };
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
