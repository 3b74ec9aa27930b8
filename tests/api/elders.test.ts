/**
 * Elders: registration by the community worker, PIPL masking of ID numbers and phones,
 * who may see an elder at all, search, and the elder's own login.
 */
import { idCardCheckChar, makeIdCardNo } from '@yiyangtong/shared';
import { startTestServer, type TestServer } from '../harness/server';
import { Fixtures, UNKNOWN_ID, type TestUser } from './fixtures';

let t: TestServer;
let f: Fixtures;
let admin: string;
let commA: { id: string };
let commB: { id: string };
let workerA: TestUser;
let workerB: TestUser;
let staff: TestUser;
let provider: TestUser;

const masked = (id: string) => `${id.slice(0, 4)}**********${id.slice(-4)}`;
const maskedPhone = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`;

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
  provider = await f.user('provider', { providerId: 'org-home-care' });
});
afterAll(() => t.close());

describe('registering an elder', () => {
  test('the community worker registers an elder and sees the ID number and phones masked', async () => {
    const idCardNo = makeIdCardNo('530111', '1946-07-21', 123);
    const sent = f.elderBody(commA.id, {
      name: '王秀英',
      idCardNo,
      phone: '13812345678',
      birthDate: '1946-07-21',
      gender: 'male',
      groups: ['dibao', 'youfu'],
      diet: ['低盐'],
      location: { lng: 102.724, lat: 25.022 },
      emergencyContacts: [{ name: '王小明', phone: '13987654321', relation: '儿子' }],
    });
    const res = await t.api.post('/api/elders', sent, { token: workerA.token });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(res.body.idCardNo).toBe(masked(idCardNo));
    expect(res.body.idCardNo).toMatch(/^5301\*{10}\d{3}[\dX]$/);
    expect(res.body.phone).toBe('138****5678');
    expect(res.body.emergencyContacts).toEqual([{ name: '王小明', phone: '139****4321', relation: '儿子' }]);
    expect(res.body).toMatchObject({
      name: '王秀英',
      birthDate: '1946-07-21',
      gender: 'male',
      communityId: commA.id,
      groups: ['dibao', 'youfu'],
      diet: ['低盐'],
      reassessmentDue: true,
    });
    expect(res.body).not.toHaveProperty('careLevel');
    const text = JSON.stringify(res.body);
    expect(text).not.toContain(idCardNo);
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('13987654321');

    // Every later read by the worker is masked too.
    const read = await t.api.get(`/api/elders/${res.body.id}`, { token: workerA.token });
    expect(read.status).toBe(200);
    expect(read.body.idCardNo).toBe(masked(idCardNo));
    expect(read.body.phone).toBe('138****5678');
    expect(read.body.emergencyContacts[0].phone).toBe('139****4321');

    // The admin sees the whole values.
    const asAdmin = await t.api.get(`/api/elders/${res.body.id}`, { token: admin });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.idCardNo).toBe(idCardNo);
    expect(asAdmin.body.phone).toBe('13812345678');
    expect(asAdmin.body.emergencyContacts[0].phone).toBe('13987654321');
  });

  test('the admin registering an elder sees the whole ID number in the response', async () => {
    const sent = f.elderBody(commB.id);
    const res = await t.api.post('/api/elders', sent, { token: admin });
    expect(res.status).toBe(201);
    expect(res.body.idCardNo).toBe(sent.idCardNo);
    expect(res.body.phone).toBe(sent.phone);
  });

  test('an ID number ending in a lowercase x is stored as X and shown masked with X', async () => {
    let idCardNo = '';
    for (let seq = 1; seq < 999 && !idCardNo.endsWith('X'); seq++)
      idCardNo = makeIdCardNo('530111', '1950-05-05', seq);
    expect(idCardNo.endsWith('X')).toBe(true);
    const gender = Number(idCardNo[16]) % 2 === 1 ? 'male' : 'female';
    const sent = f.elderBody(commA.id, { idCardNo: idCardNo.toLowerCase(), birthDate: '1950-05-05', gender });
    const res = await t.api.post('/api/elders', sent, { token: workerA.token });
    expect(res.status).toBe(201);
    expect(res.body.idCardNo).toBe(masked(idCardNo));
    const asAdmin = await t.api.get(`/api/elders/${res.body.id}`, { token: admin });
    expect(asAdmin.body.idCardNo).toBe(idCardNo);

    // The same person again, written with a capital X, is a duplicate.
    const again = await t.api.post('/api/elders', { ...sent, idCardNo }, { token: workerA.token });
    expect(again.status).toBe(409);
  });

  test('a worker cannot register an elder into another community (403), and nothing is stored', async () => {
    const sent = f.elderBody(commA.id, { name: '越权登记' });
    const res = await t.api.post('/api/elders', sent, { token: workerB.token });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    const search = await t.api.get(`/api/elders?q=${encodeURIComponent('越权登记')}`, { token: admin });
    expect(search.body.items).toEqual([]);
  });

  test.each([
    ['family', () => f.family()],
    ['canteen staff', async () => staff],
    ['provider', async () => provider],
  ])('a %s cannot register elders (403)', async (_who, who) => {
    const u = await who();
    const res = await t.api.post('/api/elders', f.elderBody(commA.id), { token: u.token });
    expect(res.status).toBe(403);
  });

  test('registering without logging in answers 401', async () => {
    const res = await t.api.post('/api/elders', f.elderBody(commA.id));
    expect(res.status).toBe(401);
  });

  test('registering into a community that does not exist is refused (400 naming communityId)', async () => {
    const res = await t.api.post('/api/elders', f.elderBody(UNKNOWN_ID), { token: admin });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty('communityId');
  });
});

describe('ID number, birth date and gender must agree', () => {
  const valid = makeIdCardNo('530111', '1948-03-15', 135); // 5 odd → male
  const lastChar = valid[17];
  const wrongCheck = valid.slice(0, 17) + (lastChar === '0' ? '1' : '0');
  const first17BadDate = '530111' + '19480230' + '135'; // 30 February
  const badDate = first17BadDate + idCardCheckChar(first17BadDate);

  test.each([
    ['a wrong check digit', wrongCheck],
    ['a birth date that does not exist (30 February)', badDate],
    ['only 17 characters', valid.slice(0, 17)],
    ['letters in the middle', valid.slice(0, 10) + 'AB' + valid.slice(12)],
  ])('an ID number with %s is refused, naming idCardNo', async (_what, idCardNo) => {
    const res = await t.api.post(
      '/api/elders',
      f.elderBody(commA.id, { idCardNo, birthDate: '1948-03-15', gender: 'male' }),
      { token: workerA.token },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields).toHaveProperty('idCardNo');
    // The refused number is not echoed back whole.
    expect(JSON.stringify(res.body)).not.toContain(idCardNo);
  });

  test('a birth date that differs from the one in the ID number is refused, naming birthDate', async () => {
    const res = await t.api.post(
      '/api/elders',
      f.elderBody(commA.id, { idCardNo: valid, birthDate: '1948-03-16', gender: 'male' }),
      { token: workerA.token },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(res.body.error.fields)).toEqual(['birthDate']);
  });

  test('a gender contradicting the ID number is refused, naming gender', async () => {
    const res = await t.api.post(
      '/api/elders',
      f.elderBody(commA.id, { idCardNo: valid, birthDate: '1948-03-15', gender: 'female' }),
      { token: workerA.token },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(res.body.error.fields)).toEqual(['gender']);
  });

  test('the same ID number registered twice is a conflict (409), even from another community', async () => {
    const sent = f.elderBody(commA.id);
    const first = await t.api.post('/api/elders', sent, { token: workerA.token });
    expect(first.status).toBe(201);
    const again = await t.api.post('/api/elders', { ...sent, name: '重复登记' }, { token: workerA.token });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toMatch(/^[A-Z_]+$/);
    expect(JSON.stringify(again.body)).not.toContain(sent.idCardNo);
    const elsewhere = await t.api.post(
      '/api/elders',
      { ...sent, communityId: commB.id, name: '重复登记' },
      { token: workerB.token },
    );
    expect(elsewhere.status).toBe(409);
    const search = await t.api.get(`/api/elders?q=${encodeURIComponent('重复登记')}`, { token: admin });
    expect(search.body.items).toEqual([]);
  });

  test.each([
    ['an unknown group', ['vip']],
    ['a group given twice', ['dibao', 'dibao']],
    ['a group in Chinese instead of its code', ['低保']],
  ])('eligibility groups with %s are refused, naming groups', async (_what, groups) => {
    const res = await t.api.post('/api/elders', f.elderBody(commA.id, { groups }), { token: workerA.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(res.body.error.fields).some((k) => k === 'groups' || k.startsWith('groups.'))).toBe(
      true,
    );
  });

  test('every allowed group is accepted', async () => {
    const groups = ['dibao', 'tekun', 'jiandang', 'youfu', 'jisheng', 'disabled'];
    const res = await t.api.post('/api/elders', f.elderBody(commA.id, { groups }), { token: workerA.token });
    expect(res.status).toBe(201);
    expect(res.body.groups).toEqual(groups);
  });

  test('an emergency contact with a malformed phone is refused, naming the contact phone', async () => {
    const res = await t.api.post(
      '/api/elders',
      f.elderBody(commA.id, { emergencyContacts: [{ name: '李四', phone: '12345' }] }),
      { token: workerA.token },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty(['emergencyContacts.0.phone']);
  });
});

describe('who may see an elder', () => {
  let elderA: { id: string; sent: Record<string, any> };

  beforeAll(async () => {
    elderA = await f.elder(workerA.token, commA.id, { name: '李桂英', phone: '13811112222' });
    // Another community's elder with a similar name and the same phone ending: never found by workerA.
    await f.elder(workerB.token, commB.id, { name: '李桂兰', phone: '13833332222' });
  });

  test('a worker of another community gets 404 for the elder, with none of their data', async () => {
    const res = await t.api.get(`/api/elders/${elderA.id}`, { token: workerB.token });
    expect(res.status).toBe(404);
    const text = JSON.stringify(res.body);
    expect(text).not.toContain('李桂英');
    expect(text).not.toContain(masked(elderA.sent.idCardNo));
  });

  test('searching by part of a name shows the worker only elders of their own community', async () => {
    const resA = await t.api.get(`/api/elders?q=${encodeURIComponent('李桂')}`, { token: workerA.token });
    expect(resA.status).toBe(200);
    expect(resA.body.items.map((e: { name: string }) => e.name)).toEqual(['李桂英']);
    expect(resA.body.items[0].idCardNo).toBe(masked(elderA.sent.idCardNo));
    expect(resA.body.items[0].phone).toBe(maskedPhone(elderA.sent.phone));

    const resB = await t.api.get(`/api/elders?q=${encodeURIComponent('李桂')}`, { token: workerB.token });
    expect(resB.body.items.map((e: { name: string }) => e.name)).toEqual(['李桂兰']);

    const asAdmin = await t.api.get(`/api/elders?q=${encodeURIComponent('李桂')}`, { token: admin });
    expect(asAdmin.body.items.map((e: { name: string }) => e.name).sort()).toEqual(['李桂兰', '李桂英']);
  });

  test('a worker listing without a query sees no elder of another community', async () => {
    const res = await t.api.get('/api/elders', { token: workerA.token });
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    for (const e of res.body.items) expect(e.communityId).toBe(commA.id);
  });

  test('a worker asking for another community explicitly gets nothing', async () => {
    const res = await t.api.get(`/api/elders?communityId=${commB.id}`, { token: workerA.token });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });

  test('searching by the phone tail finds only the own-community elder', async () => {
    // Both elders' phones end in 2222.
    const res = await t.api.get('/api/elders?q=2222', { token: workerA.token });
    expect(res.status).toBe(200);
    expect(res.body.items.map((e: { id: string }) => e.id)).toEqual([elderA.id]);
  });

  test.each([
    ['canteen staff', () => staff],
    ['a provider', () => provider],
  ])('%s cannot open an elder record (403)', async (_who, who) => {
    const res = await t.api.get(`/api/elders/${elderA.id}`, { token: who().token });
    expect(res.status).toBe(403);
    expect(JSON.stringify(res.body)).not.toContain('李桂英');
    const list = await t.api.get('/api/elders', { token: who().token });
    expect(list.status).toBe(403);
  });

  test('opening an elder without logging in answers 401', async () => {
    const res = await t.api.get(`/api/elders/${elderA.id}`);
    expect(res.status).toBe(401);
  });

  test('a malformed elder id is a 400, an unknown one a 404', async () => {
    const malformed = await t.api.get('/api/elders/12345', { token: admin });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('VALIDATION_FAILED');
    const upper = await t.api.get(`/api/elders/${elderA.id.toUpperCase()}`, { token: admin });
    expect(upper.status).toBe(400);
    const unknown = await t.api.get(`/api/elders/${UNKNOWN_ID}`, { token: admin });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
  });
});

describe("an elder's own login", () => {
  let elder: { id: string; sent: Record<string, any> };
  let other: { id: string };
  let login: TestUser;

  beforeAll(async () => {
    elder = await f.elder(workerA.token, commA.id, { name: '赵德明' });
    other = await f.elder(workerA.token, commA.id, { name: '钱淑芬' });
  });

  test('the worker opens a login for the elder (201), and the elder signs in as role elder', async () => {
    const phone = f.nextPhone();
    const res = await t.api.post(
      `/api/elders/${elder.id}/account`,
      { phone, password: 'Elder#pass1' },
      { token: workerA.token },
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ role: 'elder', name: '赵德明', elderId: elder.id });

    const signIn = await t.api.post('/api/auth/login', { phone, password: 'Elder#pass1' });
    expect(signIn.status).toBe(200);
    expect(signIn.body.user).toMatchObject({ role: 'elder', name: '赵德明' });
    login = {
      id: res.body.id,
      role: 'elder',
      name: '赵德明',
      phone,
      password: 'Elder#pass1',
      token: signIn.body.token,
    };

    const me = await t.api.get('/api/me', { token: login.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: res.body.id, role: 'elder', elderId: elder.id });

    const record = await t.api.get(`/api/elders/${elder.id}`, { token: workerA.token });
    expect(record.body.hasAccount).toBe(true);
  });

  test('the elder sees their own record, masked', async () => {
    const res = await t.api.get(`/api/elders/${elder.id}`, { token: login.token });
    expect(res.status).toBe(200);
    expect(res.body.name).toBe('赵德明');
    expect(res.body.idCardNo).toBe(masked(elder.sent.idCardNo));
    expect(res.body.phone).toBe(maskedPhone(elder.sent.phone));
  });

  test('the elder cannot see another elder (404), and their list holds only themself', async () => {
    const res = await t.api.get(`/api/elders/${other.id}`, { token: login.token });
    expect(res.status).toBe(404);
    expect(JSON.stringify(res.body)).not.toContain('钱淑芬');
    const list = await t.api.get('/api/elders', { token: login.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((e: { id: string }) => e.id)).toEqual([elder.id]);
  });

  test('a second login for the same elder is a conflict (409), and it cannot sign in', async () => {
    const phone = f.nextPhone();
    const res = await t.api.post(
      `/api/elders/${elder.id}/account`,
      { phone, password: 'Another#pass1' },
      { token: workerA.token },
    );
    expect(res.status).toBe(409);
    const signIn = await t.api.post('/api/auth/login', { phone, password: 'Another#pass1' });
    expect(signIn.status).toBe(401);
  });

  test('a login phone already used by someone else is a conflict (409)', async () => {
    const res = await t.api.post(
      `/api/elders/${other.id}/account`,
      { phone: workerA.phone, password: 'Elder#pass2' },
      { token: workerA.token },
    );
    expect(res.status).toBe(409);
    const record = await t.api.get(`/api/elders/${other.id}`, { token: workerA.token });
    expect(record.body.hasAccount).toBe(false);
  });

  test("a worker of another community cannot open a login for this community's elder (404)", async () => {
    const phone = f.nextPhone();
    const res = await t.api.post(
      `/api/elders/${other.id}/account`,
      { phone, password: 'Elder#pass3' },
      { token: workerB.token },
    );
    expect(res.status).toBe(404);
    const signIn = await t.api.post('/api/auth/login', { phone, password: 'Elder#pass3' });
    expect(signIn.status).toBe(401);
  });

  test('the elder cannot open logins for anyone (403)', async () => {
    const res = await t.api.post(
      `/api/elders/${other.id}/account`,
      { phone: f.nextPhone(), password: 'Elder#pass4' },
      { token: login.token },
    );
    expect(res.status).toBe(403);
  });

  test('two simultaneous requests for one elder give exactly one login that works', async () => {
    const target = await f.elder(workerA.token, commA.id, { name: '孙并发' });
    const phones = [f.nextPhone(), f.nextPhone(), f.nextPhone()];
    const results = await Promise.all(
      phones.map((phone) =>
        t.api.post(
          `/api/elders/${target.id}/account`,
          { phone, password: 'Race#pass123' },
          { token: workerA.token },
        ),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
    const logins = await Promise.all(
      phones.map((phone) => t.api.post('/api/auth/login', { phone, password: 'Race#pass123' })),
    );
    expect(logins.filter((l) => l.status === 200)).toHaveLength(1);
  });
});
