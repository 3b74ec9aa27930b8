/**
 * PIPL: ID numbers at rest. What the database holds after elders were registered is read raw
 * (every collection, not through the models): no ID number in plain, nor its first 17 digits.
 * The duplicate check still holds across the two cases of the check letter X, a search by the
 * whole number finds the elder (through the blind index), admin still reads the whole number and
 * everyone else the masked one; a BFF with another key answers a clear error, never garbage; a
 * malformed key stops the start; a database of plain numbers is sealed at start.
 */
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { makeIdCardNo } from '@yiyangtong/shared';
import { ensureIndexes } from '../../bff/src/db';
import { useIdCardKey } from '../../bff/src/elders/idcard-crypto';
import { checkIdCardKey, sealPlainIdCardNos } from '../../bff/src/elders/idcard-upgrade';
import { startChildBff } from '../harness/child-bff';
import { startTestServer, workerConnection, type TestServer } from '../harness/server';
import { TEST_ID_CARD_KEY } from '../harness/test-keys';
import { Fixtures, type TestUser } from './fixtures';

let t: TestServer;
let f: Fixtures;
let admin: string;
let commA: { id: string };
let workerA: TestUser;
let workerB: TestUser;
const children: ChildProcess[] = [];

const masked = (id: string) => `${id.slice(0, 4)}**********${id.slice(-4)}`;

/** A valid number whose check character is X (to register it in lower case). */
const withX = (() => {
  for (let seq = 1; seq < 999; seq++) {
    const n = makeIdCardNo('530102', '1944-12-03', seq);
    if (n.endsWith('X')) return n;
  }
  throw new Error('no X check character found');
})();
const plainOne = makeIdCardNo('530111', '1947-06-18', 321);

let elderX: { id: string };
let elderPlain: { id: string };

beforeAll(async () => {
  t = await startTestServer();
  f = new Fixtures(t);
  admin = await f.adminToken();
  commA = await f.community();
  const commB = await f.community();
  workerA = await f.user('worker', { communityId: commA.id });
  workerB = await f.user('worker', { communityId: commB.id });
  const gender = Number(withX[16]) % 2 === 1 ? 'male' : 'female';
  elderX = await f.elder(workerA.token, commA.id, {
    idCardNo: withX.toLowerCase(),
    birthDate: '1944-12-03',
    gender,
  });
  elderPlain = await f.elder(workerA.token, commA.id, {
    idCardNo: plainOne,
    birthDate: '1947-06-18',
    gender: 'male',
  });
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await t?.close();
});

/** Every document of every collection of this test's database, as JSON text. */
async function rawDatabaseText(): Promise<string> {
  const db = mongoose.connection.db!;
  const texts: string[] = [];
  for (const { name } of await db.listCollections().toArray()) {
    const docs = await db.collection(name).find({}).toArray();
    texts.push(`${name}: ${JSON.stringify(docs)}`);
  }
  return texts.join('\n');
}

describe('what the database holds', () => {
  test('no collection holds an ID number in plain, nor its first 17 digits, in either case', async () => {
    const raw = await rawDatabaseText();
    expect(raw).toContain('elders:'); // the scan looked at the elders
    for (const n of [withX, withX.toLowerCase(), withX.slice(0, 17), plainOne, plainOne.slice(0, 17)]) {
      expect({ n: masked(n), found: raw.includes(n) }).toEqual({ n: masked(n), found: false });
    }
  });

  test('an elder document holds the number sealed (a versioned string) and its blind index', async () => {
    const doc = await mongoose.connection.db!.collection('elders').findOne({
      _id: new mongoose.Types.ObjectId(elderPlain.id),
    });
    expect(doc).not.toHaveProperty('idCardNo');
    expect(doc!.idCardEnc).toMatch(/^v1:[\w-]{16}:[\w-]{24}:[\w-]{22}$/); // 12-byte IV, 18 bytes, 16-byte tag
    expect(doc!.idCardIndex).toMatch(/^[\w-]{43}$/);
    // A random IV per value: the same number sealed again gives another string.
    const other = await mongoose.connection.db!.collection('elders').findOne({
      _id: new mongoose.Types.ObjectId(elderX.id),
    });
    expect(other!.idCardEnc.split(':')[1]).not.toBe(doc!.idCardEnc.split(':')[1]);
  });
});

describe('what people see and find', () => {
  test('admin reads the whole number (X upper-case), the worker the masked one', async () => {
    const asAdmin = await t.api.get(`/api/elders/${elderX.id}`, { token: admin });
    expect(asAdmin.body.idCardNo).toBe(withX);
    const asWorker = await t.api.get(`/api/elders/${elderX.id}`, { token: workerA.token });
    expect(asWorker.body.idCardNo).toBe(masked(withX));
    expect(asWorker.body.idCardNo).toMatch(/^5301\*{10}\d{3}X$/);
  });

  test('a second registration of the number with the X in the other case is refused (409)', async () => {
    const res = await t.api.post(
      '/api/elders',
      f.elderBody(commA.id, {
        idCardNo: withX, // registered above as lower case
        birthDate: '1944-12-03',
        gender: Number(withX[16]) % 2 === 1 ? 'male' : 'female',
      }),
      { token: admin },
    );
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ELDER_EXISTS');
    const again = await t.api.post(
      '/api/elders',
      f.elderBody(commA.id, { idCardNo: plainOne, birthDate: '1947-06-18', gender: 'male' }),
      { token: workerA.token },
    );
    expect(again.status).toBe(409);
  });

  test('a search by the whole number finds the elder, in either case, only for those who may see them', async () => {
    for (const q of [withX, withX.toLowerCase()]) {
      const res = await t.api.get(`/api/elders?q=${q}`, { token: workerA.token });
      expect(res.status).toBe(200);
      expect(res.body.items.map((e: { id: string }) => e.id)).toEqual([elderX.id]);
      expect(res.body.items[0].idCardNo).toBe(masked(withX));
    }
    const byAdmin = await t.api.get(`/api/elders?q=${plainOne}`, { token: admin });
    expect(byAdmin.body.items.map((e: { id: string; idCardNo: string }) => [e.id, e.idCardNo])).toEqual([
      [elderPlain.id, plainOne],
    ]);
    // another community's worker: not even that the number is registered
    const otherWorker = await t.api.get(`/api/elders?q=${plainOne}`, { token: workerB.token });
    expect(otherWorker.status).toBe(200);
    expect(otherWorker.body.items).toEqual([]);
    // a valid number nobody registered
    const nobody = await t.api.get(`/api/elders?q=${makeIdCardNo('530111', '1950-01-01', 11)}`, {
      token: admin,
    });
    expect(nobody.body.items).toEqual([]);
  });
});

describe('keys', () => {
  const otherKey = 'ab'.repeat(32);

  test('a BFF with another key cannot read the numbers: a clear error, never another number', async () => {
    const child = await startChildBff({
      ...workerConnection(),
      dbName: mongoose.connection.db!.databaseName,
      admin: t.admin,
      bootstrap: false,
      env: { ID_CARD_KEY: otherKey },
    });
    children.push(child.process);
    const token = await child.api.login(t.admin.phone, t.admin.password);
    const res = await child.api.get(`/api/elders/${elderPlain.id}`, { token });
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('ID_CARD_UNREADABLE');
    expect(res.body.error.message).toContain('ID_CARD_KEY');
    // and its blind index differs: the number is not found (nor registered twice on the quiet)
    const search = await child.api.get(`/api/elders?q=${plainOne}`, { token });
    expect(search.body.items).toEqual([]);
  });

  test('a start with another key than the database was sealed with is refused, naming ID_CARD_KEY', async () => {
    await checkIdCardKey(); // the first start leaves its check
    await checkIdCardKey(); // the same key again: fine
    useIdCardKey(Buffer.from(otherKey, 'hex'));
    try {
      await expect(checkIdCardKey()).rejects.toThrow(/ID_CARD_KEY is not the key/);
    } finally {
      useIdCardKey(TEST_ID_CARD_KEY);
    }
  });

  test('npm start refuses a malformed ID_CARD_KEY before anything else, naming it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-badkey-'));
    try {
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(
          process.execPath,
          ['--import', 'tsx', path.resolve(__dirname, '../../bff/src/server.ts')],
          {
            cwd: path.resolve(__dirname, '../..'),
            env: { ...process.env, ID_CARD_KEY: 'not-a-key', DATA_DIR: dataDir },
            timeout: 60_000,
          },
          (_err, _stdout, stderr) => resolve({ code: child.exitCode, stderr }),
        );
      });
      expect(code).toBe(1);
      expect(stderr).toContain('ID_CARD_KEY must be 32 bytes');
      expect(fs.readdirSync(dataDir)).toEqual([]); // no database started, no key generated
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('a database written before numbers were sealed', () => {
  test('its plain numbers are sealed at start, the old unique index dropped, and they read as before', async () => {
    const elders = mongoose.connection.db!.collection('elders');
    const legacy = makeIdCardNo('530111', '1945-02-02', 555);
    const { insertedId } = await elders.insertOne({
      name: '旧数据',
      idCardNo: legacy,
      birthDate: '1945-02-02',
      gender: 'male',
      address: '旧址1号',
      communityId: commA.id,
      groups: [],
      diet: [],
      emergencyContacts: [],
      createdBy: 'legacy',
      createdAt: new Date(),
    });
    await elders.createIndex({ idCardNo: 1 }, { unique: true });

    expect(await sealPlainIdCardNos()).toBe(1);
    await ensureIndexes();
    const raw = await rawDatabaseText();
    expect(raw).not.toContain(legacy);
    expect(raw).not.toContain(legacy.slice(0, 17));
    expect((await elders.indexes()).map((i) => i.name)).not.toContain('idCardNo_1');
    const read = await t.api.get(`/api/elders/${String(insertedId)}`, { token: admin });
    expect(read.body.idCardNo).toBe(legacy);
    const found = await t.api.get(`/api/elders?q=${legacy}`, { token: workerA.token });
    expect(found.body.items.map((e: { id: string }) => e.id)).toEqual([String(insertedId)]);
    expect(await sealPlainIdCardNos()).toBe(0); // a second start has nothing to do
  });
});
