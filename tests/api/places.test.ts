/**
 * Places: communities and canteens (admin only), and the "canteens near me" list the
 * elder's phone shows (15-minute service circle): nearest first, with distances.
 */
import { startTestServer, type TestServer } from '../harness/server';
import { BASE, Fixtures, haversineMetres, type LngLat, type TestUser } from './fixtures';

let t: TestServer;
let f: Fixtures;
let admin: string;
let community: { id: string; name: string; district: string };
let worker: TestUser;
let family: TestUser;
let elder: TestUser;

beforeAll(async () => {
  t = await startTestServer();
  f = new Fixtures(t);
  admin = await f.adminToken();
  community = await f.community({ name: '关上社区', district: '官渡区' });
  worker = await f.user('worker', { communityId: community.id });
  family = await f.family();
  const e = await f.elder(worker.token, community.id);
  elder = await f.elderAccount(worker.token, e.id);
});
afterAll(() => t.close());

describe('creating communities and canteens', () => {
  test('the admin creates a community and gets back its id and what was given', async () => {
    const body = { name: '太和社区', district: '官渡区', location: { lng: 102.731, lat: 25.03 } };
    const res = await t.api.post('/api/communities', body, { token: admin });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(res.body).toMatchObject(body);

    const list = await t.api.get('/api/communities', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(expect.objectContaining({ id: res.body.id, name: '太和社区' }));
  });

  test('the admin creates a canteen; it carries its slots, fulfilment, fee and the community district', async () => {
    const body = {
      name: '关上长者食堂',
      communityId: community.id,
      address: '官渡区关上中路88号',
      location: { lng: 102.7241, lat: 25.0222 },
      slots: [
        { slot: 'breakfast', cutoff: '18:00', cutoffDayBefore: true },
        { slot: 'lunch', cutoff: '10:00' },
      ],
      fulfilment: ['dine_in', 'take_away', 'delivery'],
      deliveryFee: 300,
    };
    const res = await t.api.post('/api/canteens', body, { token: admin });
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(res.body).toMatchObject({
      name: body.name,
      communityId: community.id,
      address: body.address,
      location: body.location,
      fulfilment: body.fulfilment,
      deliveryFee: 300,
      district: '官渡区',
    });
    expect(res.body.slots).toEqual([
      { slot: 'breakfast', cutoff: '18:00', cutoffDayBefore: true },
      { slot: 'lunch', cutoff: '10:00', cutoffDayBefore: false },
    ]);

    const read = await t.api.get(`/api/canteens/${res.body.id}`, { token: family.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: res.body.id, name: body.name, deliveryFee: 300 });
  });

  test.each([
    ['worker', () => worker.token],
    ['family', () => family.token],
    ['elder', () => elder.token],
  ])('a %s cannot create communities or canteens (403)', async (_role, token) => {
    const c = await t.api.post(
      '/api/communities',
      { name: '越权社区', district: '官渡区', location: BASE },
      { token: token() },
    );
    expect(c.status).toBe(403);
    expect(c.body.error.code).toBe('FORBIDDEN');
    const k = await t.api.post('/api/canteens', f.canteenBody(community.id, { name: '越权食堂' }), {
      token: token(),
    });
    expect(k.status).toBe(403);
    expect(k.body.error.code).toBe('FORBIDDEN');

    const communities = await t.api.get('/api/communities', { token: admin });
    expect(communities.body.items.map((x: { name: string }) => x.name)).not.toContain('越权社区');
    const canteens = await t.api.get('/api/canteens');
    expect(canteens.body.items.map((x: { name: string }) => x.name)).not.toContain('越权食堂');
  });

  test('canteen staff and providers cannot create places either (403)', async () => {
    const canteen = await f.canteen(community.id);
    const staff = await f.user('canteen_staff', { canteenId: canteen.id });
    const provider = await f.user('provider', { providerId: 'org-1' });
    for (const u of [staff, provider]) {
      const c = await t.api.post(
        '/api/communities',
        { name: '越权社区2', district: '官渡区', location: BASE },
        { token: u.token },
      );
      expect(c.status).toBe(403);
      const k = await t.api.post('/api/canteens', f.canteenBody(community.id), { token: u.token });
      expect(k.status).toBe(403);
    }
  });

  test('without a token creating places answers 401', async () => {
    const c = await t.api.post('/api/communities', { name: '匿名社区', district: '官渡区', location: BASE });
    expect(c.status).toBe(401);
    expect(c.body.error.code).toBe('UNAUTHORIZED');
    const k = await t.api.post('/api/canteens', f.canteenBody(community.id));
    expect(k.status).toBe(401);
    expect(k.body.error.code).toBe('UNAUTHORIZED');
  });

  test('a forged or garbage token answers 401, not 403 or 500', async () => {
    const res = await t.api.post(
      '/api/communities',
      { name: '匿名社区', district: '官渡区', location: BASE },
      { token: 'not.a.jwt' },
    );
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  test('a canteen for a community that does not exist is refused (400 naming communityId)', async () => {
    const unknown = await t.api.post(
      '/api/canteens',
      f.canteenBody('aaaaaaaaaaaaaaaaaaaaaaaa', { name: '无主食堂' }),
      { token: admin },
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('VALIDATION_FAILED');
    expect(unknown.body.error.fields).toHaveProperty('communityId');

    const malformed = await t.api.post('/api/canteens', f.canteenBody('not-an-id', { name: '无主食堂' }), {
      token: admin,
    });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields).toHaveProperty('communityId');

    const all = await t.api.get('/api/canteens');
    expect(all.body.items.map((x: { name: string }) => x.name)).not.toContain('无主食堂');
  });

  test('a cut-off time of 25:00 is refused, naming the slot field', async () => {
    const res = await t.api.post(
      '/api/canteens',
      f.canteenBody(community.id, {
        slots: [
          { slot: 'lunch', cutoff: '10:00' },
          { slot: 'dinner', cutoff: '25:00' },
        ],
      }),
      { token: admin },
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(Object.keys(res.body.error.fields)).toEqual(['slots.1.cutoff']);
    expect(typeof res.body.error.message).toBe('string');
    expect(res.body.error.message.length).toBeGreaterThan(0);
  });

  test.each([
    ['a cut-off without a leading zero', [{ slot: 'lunch', cutoff: '9:30' }], 'slots.0.cutoff'],
    ['an unknown meal slot', [{ slot: 'supper', cutoff: '17:00' }], 'slots.0.slot'],
    [
      'the same slot twice',
      [
        { slot: 'lunch', cutoff: '10:00' },
        { slot: 'lunch', cutoff: '11:00' },
      ],
      'slots',
    ],
    ['no slots at all', [], 'slots'],
  ])('%s is refused with 400 VALIDATION_FAILED', async (_what, slots, field) => {
    const res = await t.api.post('/api/canteens', f.canteenBody(community.id, { slots }), { token: admin });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields).toHaveProperty([field]);
  });

  test('a delivery fee in yuan with decimals is refused: money is integer fen', async () => {
    const res = await t.api.post('/api/canteens', f.canteenBody(community.id, { deliveryFee: 3.5 }), {
      token: admin,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty('deliveryFee');
  });
});

describe('canteens near me', () => {
  // A neighbourhood of its own, far from every other canteen in this file.
  const here: LngLat = { lng: 103.8, lat: 36.06 };
  const offsets = {
    far: { dLat: 0.2, dLng: 0 }, // ≈ 22.2 km north
    mid: { dLat: 0.01, dLng: 0.02 }, // ≈ 1.1 km north, 1.8 km east
    near: { dLat: 0.005, dLng: 0 }, // ≈ 556 m north
    west: { dLat: 0, dLng: -0.03 }, // ≈ 2.7 km west
  };
  const ids: Record<string, string> = {};
  const at = (o: { dLat: number; dLng: number }) => ({ lng: here.lng + o.dLng, lat: here.lat + o.dLat });

  beforeAll(async () => {
    const c = await f.community({ name: '兰州测试社区', district: '城关区', location: here });
    // Created out of distance order on purpose.
    for (const [key, o] of Object.entries(offsets)) {
      ids[key] = (await f.canteen(c.id, { name: `附近食堂-${key}`, location: at(o) })).id;
    }
  });

  const nearbyOf = <T extends { id: string }>(items: T[]) =>
    items.filter((i) => Object.values(ids).includes(i.id));

  test('lists canteens nearest first, each with a whole-metre distance matching the map', async () => {
    const res = await t.api.get(`/api/canteens?lng=${here.lng}&lat=${here.lat}`, { token: elder.token });
    expect(res.status).toBe(200);
    const items = res.body.items as { id: string; distanceM: number }[];
    for (const item of items) {
      expect(Number.isInteger(item.distanceM)).toBe(true);
      expect(item.distanceM).toBeGreaterThanOrEqual(0);
    }
    // The whole list is ordered, not just ours.
    const distances = items.map((i) => i.distanceM);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));

    const mine = nearbyOf(items);
    expect(mine.map((i) => i.id)).toEqual([ids.near, ids.mid, ids.west, ids.far]);
    for (const [key, o] of Object.entries(offsets)) {
      const got = mine.find((i) => i.id === ids[key])!.distanceM;
      const expected = haversineMetres(here, at(o));
      expect(Math.abs(got - expected) / expected).toBeLessThan(0.01);
    }
    // Plain sanity on the scale: 0.005° of latitude is about 556 m.
    expect(mine[0].distanceM).toBeGreaterThan(550);
    expect(mine[0].distanceM).toBeLessThan(562);
  });

  test('a radius leaves out canteens beyond it', async () => {
    const res = await t.api.get(`/api/canteens?lng=${here.lng}&lat=${here.lat}&radius=3000`, {
      token: family.token,
    });
    expect(res.status).toBe(200);
    const items = res.body.items as { id: string; distanceM: number }[];
    expect(items.map((i) => i.id)).toEqual([ids.near, ids.mid, ids.west]);
    for (const i of items) expect(i.distanceM).toBeLessThanOrEqual(3000);

    const tight = await t.api.get(`/api/canteens?lng=${here.lng}&lat=${here.lat}&radius=1000`, {
      token: family.token,
    });
    expect(tight.status).toBe(200);
    expect(tight.body.items.map((i: { id: string }) => i.id)).toEqual([ids.near]);
  });

  test('a longitude without a latitude is refused (400), and the reverse too', async () => {
    const lngOnly = await t.api.get(`/api/canteens?lng=${here.lng}`, { token: family.token });
    expect(lngOnly.status).toBe(400);
    expect(lngOnly.body.error.code).toBe('VALIDATION_FAILED');
    expect(lngOnly.body.error.fields).toHaveProperty(['query.lat']);

    const latOnly = await t.api.get(`/api/canteens?lat=${here.lat}`, { token: family.token });
    expect(latOnly.status).toBe(400);
    expect(latOnly.body.error.fields).toHaveProperty(['query.lng']);
  });

  test('an empty latitude is refused rather than read as the equator', async () => {
    const res = await t.api.get(`/api/canteens?lng=${here.lng}&lat=`, { token: family.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields).toHaveProperty(['query.lat']);
  });

  test.each([
    ['a latitude beyond the pole', `lng=103.8&lat=95`, 'query.lat'],
    ['a longitude that is not a number', `lng=east&lat=36`, 'query.lng'],
    ['a negative radius', `lng=103.8&lat=36&radius=-5`, 'query.radius'],
  ])('%s is refused with 400', async (_what, qs, field) => {
    const res = await t.api.get(`/api/canteens?${qs}`, { token: family.token });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields).toHaveProperty([field]);
  });
});
