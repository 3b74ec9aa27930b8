/**
 * Families: an elder (or their worker, or admin) hands out an invite code; a son or
 * daughter who registered in the app links with it and may then see and act for the
 * elder. Nobody else learns the elder exists.
 */
import { startTestServer, type TestServer } from '../harness/server';
import { Fixtures, type TestUser } from './fixtures';

let t: TestServer;
let f: Fixtures;
let admin: string;
let commA: { id: string };
let commB: { id: string };
let workerA: TestUser;
let workerB: TestUser;
let staff: TestUser;
let provider: TestUser;
let elder: { id: string; sent: Record<string, any> };
let elderLogin: TestUser;

const CODE = /^[A-HJ-NP-Z2-9]{8}$/; // no 0/O, 1/I
const masked = (id: string) => `${id.slice(0, 4)}**********${id.slice(-4)}`;

beforeAll(async () => {
  t = await startTestServer();
  f = new Fixtures(t);
  admin = await f.adminToken();
  commA = await f.community({ name: '关上社区' });
  commB = await f.community({ name: '太和社区' });
  workerA = await f.user('worker', { communityId: commA.id });
  workerB = await f.user('worker', { communityId: commB.id });
  const canteen = await f.canteen(commA.id);
  staff = await f.user('canteen_staff', { canteenId: canteen.id });
  provider = await f.user('provider', { providerId: 'org-1' });
  elder = await f.elder(workerA.token, commA.id, { name: '周玉珍', phone: '13855556666' });
  elderLogin = await f.elderAccount(workerA.token, elder.id);
});
afterAll(() => t.close());

const invite = (elderId: string, token: string) =>
  t.api.post(`/api/elders/${elderId}/invites`, {}, { token });
const linkWith = (code: string, token: string) => t.api.post('/api/family/links', { code }, { token });

describe('linking with an invite code from the elder', () => {
  let code: string;
  let daughter: TestUser;

  test('the elder creates an invite code that is easy to read aloud', async () => {
    const res = await invite(elder.id, elderLogin.token);
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(CODE);
    code = res.body.code;
  });

  test('a registered family member links with the code and then sees the elder, masked', async () => {
    daughter = await f.family('周女士');
    const res = await linkWith(code, daughter.token);
    expect(res.status).toBe(201);
    expect(res.body.elderId).toBe(elder.id);

    const mine = await t.api.get('/api/family/elders', { token: daughter.token });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0]).toMatchObject({
      id: elder.id,
      name: '周玉珍',
      idCardNo: masked(elder.sent.idCardNo),
      phone: '138****6666',
    });
    expect(JSON.stringify(mine.body)).not.toContain(elder.sent.idCardNo);
    expect(JSON.stringify(res.body)).not.toContain(elder.sent.idCardNo);

    const record = await t.api.get(`/api/elders/${elder.id}`, { token: daughter.token });
    expect(record.status).toBe(200);
    expect(record.body.name).toBe('周玉珍');
    expect(record.body.idCardNo).toBe(masked(elder.sent.idCardNo));

    const list = await t.api.get('/api/elders', { token: daughter.token });
    expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([elder.id]);
  });

  test('the same code used by a second family member is refused (409), and they see nothing', async () => {
    const son = await f.family('周先生');
    const res = await linkWith(code, son.token);
    expect(res.status).toBe(409);
    expect(JSON.stringify(res.body)).not.toContain('周玉珍');

    expect((await t.api.get(`/api/elders/${elder.id}`, { token: son.token })).status).toBe(404);
    expect((await t.api.get('/api/family/elders', { token: son.token })).body.items).toEqual([]);
  });

  test('the same code used again by the family member who linked is a conflict, not a second link', async () => {
    const res = await linkWith(code, daughter.token);
    expect(res.status).toBe(409);
    const mine = await t.api.get('/api/family/elders', { token: daughter.token });
    expect(mine.body.items).toHaveLength(1);
  });

  test('a fresh code for an elder the family member is already linked to is a conflict (409)', async () => {
    const fresh = await invite(elder.id, elderLogin.token);
    expect(fresh.status).toBe(201);
    const res = await linkWith(fresh.body.code, daughter.token);
    expect(res.status).toBe(409);
    // The fresh code was not spent: someone else can still use it.
    const grandson = await f.family('周小孙');
    expect((await linkWith(fresh.body.code, grandson.token)).status).toBe(201);
  });

  test('a linked family member cannot create invite codes (403)', async () => {
    const res = await invite(elder.id, daughter.token);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});

describe('codes that do not work', () => {
  let stranger: TestUser;
  beforeAll(async () => {
    stranger = await f.family('陌生人');
  });

  test('an unknown code answers 404', async () => {
    const res = await linkWith('ZZZZ9999', stranger.token);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
  });

  test.each([
    ['a lowercase code', 'abcdefgh'],
    ['a short code', 'ABC23'],
    ['a code with punctuation', 'ABCD-EFG'],
    ['an empty code', ''],
  ])('%s is refused with 400 naming code', async (_what, code) => {
    const res = await linkWith(code, stranger.token);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields).toHaveProperty('code');
  });

  test('a real code typed in lowercase is refused (400) and does not link', async () => {
    const inv = await invite(elder.id, elderLogin.token);
    const res = await linkWith(inv.body.code.toLowerCase(), stranger.token);
    expect(res.status).toBe(400);
    expect((await t.api.get(`/api/elders/${elder.id}`, { token: stranger.token })).status).toBe(404);
  });

  test('a code sent as a query object is refused, not run against the database', async () => {
    const res = await t.api.post('/api/family/links', { code: { $ne: null } }, { token: stranger.token });
    expect(res.status).toBe(400);
    expect((await t.api.get('/api/family/elders', { token: stranger.token })).body.items).toEqual([]);
  });

  test('a family member who is not linked gets 404 for the elder and an empty list', async () => {
    const res = await t.api.get(`/api/elders/${elder.id}`, { token: stranger.token });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('周玉珍');
    const list = await t.api.get('/api/elders', { token: stranger.token });
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([]);
    const searched = await t.api.get(`/api/elders?q=${encodeURIComponent('周')}`, { token: stranger.token });
    expect(searched.body.items).toEqual([]);
    const mine = await t.api.get('/api/family/elders', { token: stranger.token });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([]);
  });

  test('linking without logging in answers 401', async () => {
    const res = await t.api.post('/api/family/links', { code: 'ABCDEFGH' });
    expect(res.status).toBe(401);
  });

  test.each([
    ['a worker', () => workerA],
    ['an elder', () => elderLogin],
  ])('%s cannot link as family (403)', async (_who, who) => {
    const inv = await invite(elder.id, elderLogin.token);
    const res = await linkWith(inv.body.code, who().token);
    expect(res.status).toBe(403);
  });
});

describe('who may hand out invite codes', () => {
  let quiet: { id: string };
  beforeAll(async () => {
    quiet = await f.elder(workerA.token, commA.id, { name: '吴老伯' });
  });

  test("the elder's own worker creates a code for an elder without a phone login, and it links", async () => {
    const res = await invite(quiet.id, workerA.token);
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(CODE);
    const nephew = await f.family('吴侄子');
    expect((await linkWith(res.body.code, nephew.token)).status).toBe(201);
    const mine = await t.api.get('/api/family/elders', { token: nephew.token });
    expect(mine.body.items.map((e: { id: string }) => e.id)).toEqual([quiet.id]);
  });

  test('the admin can create a code', async () => {
    const res = await invite(quiet.id, admin);
    expect(res.status).toBe(201);
    expect(res.body.code).toMatch(CODE);
  });

  test('a worker of another community gets 404, as if the elder did not exist', async () => {
    const res = await invite(quiet.id, workerB.token);
    expect(res.status).toBe(404);
    expect(res.body).not.toHaveProperty('code');
    expect(JSON.stringify(res.body)).not.toContain('吴老伯');
  });

  test('an elder cannot create a code for another elder (404)', async () => {
    const res = await invite(quiet.id, elderLogin.token);
    expect(res.status).toBe(404);
    expect(res.body).not.toHaveProperty('code');
  });

  test.each([
    ['canteen staff', () => staff],
    ['a provider', () => provider],
  ])('%s cannot create codes (403)', async (_who, who) => {
    const res = await invite(quiet.id, who().token);
    expect(res.status).toBe(403);
    expect(res.body).not.toHaveProperty('code');
  });

  test('an unlinked family member cannot create codes (403)', async () => {
    const someone = await f.family();
    const res = await invite(quiet.id, someone.token);
    expect(res.status).toBe(403);
  });

  test('codes for a malformed or unknown elder id: 400 and 404', async () => {
    expect((await invite('nope', admin)).status).toBe(400);
    expect((await invite('aaaaaaaaaaaaaaaaaaaaaaaa', admin)).status).toBe(404);
  });

  test('each invite is a different code', async () => {
    const codes = new Set<string>();
    for (let i = 0; i < 5; i++) codes.add((await invite(quiet.id, workerA.token)).body.code);
    expect(codes.size).toBe(5);
  });
});

describe('one family, several elders', () => {
  test('a family member linked to two elders sees both, and only those', async () => {
    const mother = await f.elder(workerA.token, commA.id, { name: '郑母' });
    const father = await f.elder(workerB.token, commB.id, { name: '郑父' });
    await f.elder(workerA.token, commA.id, { name: '郑邻居' });
    const child = await f.family('郑子');
    await f.link(workerA.token, mother.id, child);
    await f.link(workerB.token, father.id, child);

    const mine = await t.api.get('/api/family/elders', { token: child.token });
    expect(mine.body.items.map((e: { name: string }) => e.name).sort()).toEqual(['郑母', '郑父'].sort());
    const list = await t.api.get(`/api/elders?q=${encodeURIComponent('郑')}`, { token: child.token });
    expect(list.body.items.map((e: { name: string }) => e.name).sort()).toEqual(['郑母', '郑父'].sort());
    for (const e of mine.body.items) expect(e.idCardNo).toMatch(/^\d{4}\*{10}\d{3}[\dX]$/);
  });

  test('two family members racing for one code: exactly one links', async () => {
    const target = await f.elder(workerA.token, commA.id, { name: '冯奶奶' });
    const inv = await invite(target.id, workerA.token);
    const racers = await Promise.all([f.family(), f.family(), f.family()]);
    const results = await Promise.all(racers.map((r) => linkWith(inv.body.code, r.token)));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const seen = await Promise.all(
      racers.map((r) => t.api.get(`/api/elders/${target.id}`, { token: r.token })),
    );
    expect(seen.filter((s) => s.status === 200)).toHaveLength(1);
  });
});
