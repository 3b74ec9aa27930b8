/**
 * PIPL: what the BFF writes to its logs. After a day's worth of personal data passing
 * through (registrations, logins, an elder with an ID number and phones, a duplicate,
 * a search by phone), no log line holds a full ID number, a full phone number, a
 * password or a token; every line is JSON with the request path.
 */
import { makeIdCardNo } from '../../shared/src/idcard';
import { startTestServer, type TestServer } from '../harness/server';

let t: TestServer;

const ID_BIRTH = '1946-11-08';
const idCardNo = makeIdCardNo('440106', ID_BIRTH, 37); // sequence 037: odd → male
const idCardNoWithX = (() => {
  // A second elder whose number ends in X (the check character), to cover the letter too.
  for (let seq = 1; seq < 999; seq++) {
    const n = makeIdCardNo('440106', '1950-02-14', seq);
    if (n.endsWith('X')) return n;
  }
  throw new Error('no X check character found');
})();

const phones = {
  family: '13612345678',
  worker: '15987654321',
  elder: '18611112222',
  emergency: '17733334444',
  elderLogin: '19955556666',
  unknown: '13055557777',
};
const passwords = {
  family: 'Family-Secret-9f3k',
  worker: 'Worker-Secret-2m8q',
  elderLogin: 'Elder-Secret-7p1z',
  wrong: 'Wrong-Guess-4x6c',
};
const tokens: string[] = [];

let elderId: string;

beforeAll(async () => {
  t = await startTestServer();
  const adminToken = await t.api.login(t.admin.phone, t.admin.password);
  tokens.push(adminToken);

  const community = await t.api.post(
    '/api/communities',
    { name: '隐私社区', district: '测试区', location: { lng: 113.3, lat: 23.1 } },
    { token: adminToken },
  );
  expect(community.status).toBe(201);
  const communityId = community.body.id;

  // a family user registers and logs in; registers again (409); fails a login
  const reg = await t.api.post('/api/auth/register', {
    phone: phones.family,
    password: passwords.family,
    name: '家属甲',
  });
  expect(reg.status).toBe(201);
  tokens.push(reg.body.token);
  expect(
    (
      await t.api.post('/api/auth/register', {
        phone: phones.family,
        password: passwords.family,
        name: '家属甲',
      })
    ).status,
  ).toBe(409);
  tokens.push(await t.api.login(phones.family, passwords.family));
  expect(
    (await t.api.post('/api/auth/login', { phone: phones.family, password: passwords.wrong })).status,
  ).toBe(401);
  expect(
    (await t.api.post('/api/auth/login', { phone: phones.unknown, password: passwords.wrong })).status,
  ).toBe(401);

  // a worker of the community
  const worker = await t.api.post(
    '/api/users',
    { phone: phones.worker, password: passwords.worker, name: '助老员乙', role: 'worker', communityId },
    { token: adminToken },
  );
  expect(worker.status).toBe(201);
  const workerToken = await t.api.login(phones.worker, passwords.worker);
  tokens.push(workerToken);

  // the elder, registered by the worker, then again (409)
  const elderBody = {
    name: '长者丙',
    idCardNo,
    phone: phones.elder,
    birthDate: ID_BIRTH,
    gender: 'male',
    address: '隐私路8号',
    communityId,
    groups: ['dibao'],
    emergencyContacts: [{ name: '联系人丁', phone: phones.emergency, relation: '女儿' }],
  };
  const elder = await t.api.post('/api/elders', elderBody, { token: workerToken });
  expect(elder.status).toBe(201);
  elderId = elder.body.id;
  const dup = await t.api.post('/api/elders', { ...elderBody, name: '重复登记' }, { token: adminToken });
  expect(dup.status).toBe(409);
  // lower-case x in the input is accepted and stored upper-case
  const elderX = await t.api.post(
    '/api/elders',
    {
      ...elderBody,
      name: '长者戊',
      idCardNo: idCardNoWithX.toLowerCase(),
      birthDate: '1950-02-14',
      gender: undefined,
      phone: undefined,
      emergencyContacts: [],
    },
    { token: adminToken },
  );
  expect(elderX.status).toBe(201);
  expect(elderX.body.idCardNo).toBe(idCardNoWithX);
  // an invalid ID number (a validation error)
  expect(
    (
      await t.api.post(
        '/api/elders',
        { ...elderBody, idCardNo: idCardNo.slice(0, 17) + (idCardNo[17] === '0' ? '1' : '0') },
        { token: adminToken },
      )
    ).status,
  ).toBe(400);

  // the elder gets a login and uses it
  const account = await t.api.post(
    `/api/elders/${elderId}/account`,
    { phone: phones.elderLogin, password: passwords.elderLogin },
    { token: workerToken },
  );
  expect(account.status).toBe(201);
  tokens.push(await t.api.login(phones.elderLogin, passwords.elderLogin));

  // searches by phone digits (whole and tail), by worker and by admin
  for (const token of [workerToken, adminToken]) {
    for (const q of [phones.elder, phones.elder.slice(-4)]) {
      const found = await t.api.get(`/api/elders?q=${q}`, { token });
      expect(found.status).toBe(200);
      expect(found.body.items.map((e: { id: string }) => e.id)).toEqual([elderId]);
    }
    expect((await t.api.get(`/api/elders?q=${idCardNo}`, { token })).status).toBe(200);
  }
  // a search whose query is too long (validation error naming query.q)
  expect((await t.api.get(`/api/elders?q=${phones.elder.repeat(4)}`, { token: workerToken })).status).toBe(
    400,
  );
});
afterAll(() => t?.close());

function logLines(): string[] {
  return t.logs
    .join('')
    .split('\n')
    .filter((l) => l.trim() !== '');
}

describe('what the logs hold after personal data passed through', () => {
  test('the logs recorded the requests above (so the checks below look at something)', () => {
    const entries = logLines().map((l) => JSON.parse(l));
    const has = (method: string, path: string, status: number) =>
      entries.some((e) => e.method === method && e.path === path && e.status === status);
    expect(has('POST', '/api/elders', 201)).toBe(true);
    expect(has('POST', '/api/elders', 409)).toBe(true);
    expect(has('GET', '/api/elders', 200)).toBe(true);
    expect(has('POST', '/api/auth/login', 401)).toBe(true);
    expect(has('POST', '/api/auth/register', 409)).toBe(true);
    expect(entries.length).toBeGreaterThanOrEqual(20);
  });

  test('every log line is JSON with a path', () => {
    const lines = logLines();
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line);
      } catch {
        throw new Error(`not a JSON log line: ${line.slice(0, 200)}`);
      }
      expect({ line: line.slice(0, 120), path: typeof entry.path }).toEqual({
        line: line.slice(0, 120),
        path: 'string',
      });
    }
  });

  test('no log line holds a full ID number (either case of the X)', () => {
    const all = logLines().join('\n');
    for (const n of [idCardNo, idCardNoWithX, idCardNoWithX.toLowerCase(), idCardNo.slice(0, 17)]) {
      expect({ n, found: all.includes(n) }).toEqual({ n, found: false });
    }
  });

  test('no log line holds a full phone number', () => {
    const all = logLines().join('\n');
    for (const [who, phone] of Object.entries(phones)) {
      expect({ who, found: all.includes(phone) }).toEqual({ who, found: false });
    }
    expect(all.includes(t.admin.phone)).toBe(false);
  });

  test('no log line holds a password or a token', () => {
    const all = logLines().join('\n');
    for (const [who, password] of Object.entries({ ...passwords, admin: t.admin.password })) {
      expect({ who, found: all.includes(password) }).toEqual({ who, found: false });
    }
    expect(tokens.length).toBeGreaterThanOrEqual(5);
    for (const token of tokens) {
      // the signature part is what would let someone use it
      expect(all.includes(token.split('.')[2])).toBe(false);
    }
  });

  test('query strings (which carry names and phones) are not logged', () => {
    const all = logLines().join('\n');
    expect(all).not.toContain('?q=');
    const paths = logLines().map((l) => String(JSON.parse(l).path));
    expect(paths.filter((p) => p.includes('?'))).toEqual([]);
  });
});
