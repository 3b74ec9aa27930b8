/**
 * The server side of `npm run bench`: a fresh embedded FerretDB, the real BFF with a
 * canteen, a menu with ample portions and 200 elders, and a bare Koa app beside it on the
 * same process. Prints one JSON line with the URLs and a worker token, then serves.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { addDays, chinaDate, makeIdCardNo } from '@yiyangtong/shared';
import { actorOf } from '../bff/src/accounts/routes';
import { createUser } from '../bff/src/accounts/service';
import { createApp } from '../bff/src/app';
import { configFromEnv } from '../bff/src/config';
import { ensureIndexes, openDatabase } from '../bff/src/db';
import { tokenService } from '../bff/src/core/auth';
import { Elder } from '../bff/src/elders/model';
import { createLogger } from '../bff/src/log';
import { Dish, Menu, menuId } from '../bff/src/menus/model';
import { Canteen, Community } from '../bff/src/places/model';
import { seedDemoDistrict } from '../bff/src/seed/demo';

async function main() {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-bench-'));
  const db = await openDatabase({ dataDir, dbName: 'bench' });
  await ensureIndexes();
  await seedDemoDistrict(); // the district's discount rules apply, as in production
  const config = { ...configFromEnv({}), jwtSecret: 'bench', logLevel: 'warn' };
  const community = await Community.findOne().lean();
  const canteen = await Canteen.findOne({ communityId: String(community!._id) }).lean();
  const canteenId = String(canteen!._id);
  const date = addDays(chinaDate(), 2);
  const dishes = await Dish.find({ canteenId }).limit(3).lean();
  const items = dishes.map((d) => ({
    dishId: String(d._id),
    name: d.name,
    price: d.price,
    quota: 1_000_000,
  }));
  await Menu.replaceOne(
    { _id: menuId(canteenId, date, 'lunch') },
    {
      _id: menuId(canteenId, date, 'lunch'),
      canteenId,
      date,
      slot: 'lunch',
      items,
      remaining: Object.fromEntries(items.map((i) => [i.dishId, i.quota])),
      updatedAt: new Date(),
    },
    { upsert: true },
  );
  const elders = await Elder.insertMany(
    Array.from({ length: 200 }, (_, i) => {
      const birthDate = `19${40 + (i % 25)}-0${1 + (i % 9)}-1${i % 10}`;
      return {
        name: `压测长者${i}`,
        idCardNo: makeIdCardNo('530111', birthDate, 500 + i),
        birthDate,
        address: '官渡区',
        communityId: String(community!._id),
        groups: i % 7 === 0 ? ['dibao'] : [],
        diet: [],
        emergencyContacts: [],
        createdBy: 'bench',
      };
    }),
  );
  const worker = await createUser({
    role: 'worker',
    name: '压测助老员',
    phone: '13911110000',
    password: 'Bench@12345',
    communityId: String(community!._id),
  });
  const token = tokenService(config.jwtSecret, '2h').sign(actorOf(worker));

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
      token,
      canteenId,
      date,
      dishIds: items.map((i) => i.dishId),
      elderIds: elders.map((e) => String(e._id)),
    })}\n`,
  );
  const stop = async () => {
    server.close();
    bareServer.close();
    await db.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  process.stderr.write(`${err.stack}\n`);
  process.exit(1);
});
