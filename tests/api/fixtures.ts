/**
 * Shared fixtures for API tests: places, users of each role, elders with valid ID
 * numbers, and logins — all made through the real HTTP API (no database shortcuts).
 *
 *   const f = new Fixtures(t);
 *   const c = await f.community();
 *   const worker = await f.user('worker', { communityId: c.id });
 *   const elder = await f.elder(worker.token, c.id);
 */
import { ASSESSMENT_ITEMS, makeIdCardNo, type Role } from '@yiyangtong/shared';
import type { TestServer } from '../harness/server';

export interface TestUser {
  id: string;
  role: Role;
  name: string;
  phone: string;
  password: string;
  token: string;
}

export interface LngLat {
  lng: number;
  lat: number;
}

/** Kunming Guandu, roughly: a realistic base point for places. */
export const BASE: LngLat = { lng: 102.7233, lat: 25.0211 };

/** Great-circle distance in metres, written independently of the BFF's own helper. */
export function haversineMetres(a: LngLat, b: LngLat): number {
  const R = 6_371_000;
  const toRad = (d: number) => (d * Math.PI) / 180;
  const dLat = toRad(b.lat - a.lat);
  const dLng = toRad(b.lng - a.lng);
  const s =
    Math.sin(dLat / 2) ** 2 + Math.cos(toRad(a.lat)) * Math.cos(toRad(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.atan2(Math.sqrt(s), Math.sqrt(1 - s));
}

function expectStatus(what: string, res: { status: number; body: unknown }, status: number): void {
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
}

export class Fixtures {
  private phoneSeq = 0;
  private idSeq = 0;
  private nameSeq = 0;
  private adminTokenPromise?: Promise<string>;

  constructor(readonly t: TestServer) {}

  get api() {
    return this.t.api;
  }

  adminToken(): Promise<string> {
    this.adminTokenPromise ??= this.t.api.login(this.t.admin.phone, this.t.admin.password);
    return this.adminTokenPromise;
  }

  /** A fresh, valid mainland mobile number (unique within this test file). */
  nextPhone(): string {
    this.phoneSeq += 1;
    return `137${String(this.phoneSeq).padStart(8, '0')}`;
  }

  /** A fresh valid ID number; odd sequence → male, even → female. */
  nextIdCardNo(birthDate = '1948-03-15', gender: 'male' | 'female' = 'male', region = '530111'): string {
    this.idSeq += 1;
    const seq = this.idSeq * 2 + (gender === 'male' ? 1 : 0);
    return makeIdCardNo(region, birthDate, seq % 1000);
  }

  uniqueName(prefix: string): string {
    this.nameSeq += 1;
    return `${prefix}${this.nameSeq}`;
  }

  async community(
    overrides: Record<string, unknown> = {},
  ): Promise<{ id: string; name: string; district: string; location: LngLat }> {
    const body = { name: this.uniqueName('测试社区'), district: '官渡区', location: BASE, ...overrides };
    const res = await this.api.post('/api/communities', body, { token: await this.adminToken() });
    expectStatus('create community', res, 201);
    return res.body;
  }

  canteenBody(communityId: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      name: this.uniqueName('长者食堂'),
      communityId,
      address: '官渡区关上街道1号',
      location: BASE,
      slots: [
        { slot: 'lunch', cutoff: '10:00' },
        { slot: 'dinner', cutoff: '15:30' },
      ],
      fulfilment: ['dine_in', 'take_away'],
      deliveryFee: 300,
      ...overrides,
    };
  }

  async canteen(communityId: string, overrides: Record<string, unknown> = {}): Promise<any> {
    const res = await this.api.post('/api/canteens', this.canteenBody(communityId, overrides), {
      token: await this.adminToken(),
    });
    expectStatus('create canteen', res, 201);
    return res.body;
  }

  /** Creates a user of any role as admin and logs them in. */
  async user(
    role: Role,
    scope: {
      communityId?: string;
      canteenId?: string;
      providerId?: string;
      name?: string;
      serviceCategories?: string[];
      communityIds?: string[];
    } = {},
  ): Promise<TestUser> {
    const { name = this.uniqueName(`测试${role}`), ...ids } = scope;
    const phone = this.nextPhone();
    const password = 'Passw0rd!' + role;
    const res = await this.api.post(
      '/api/users',
      { phone, password, name, role, ...ids },
      { token: await this.adminToken() },
    );
    expectStatus(`create ${role}`, res, 201);
    const token = await this.api.login(phone, password);
    return { id: res.body.id, role, name, phone, password, token };
  }

  /** A family user who registered themself (POST /api/auth/register). */
  async family(name = this.uniqueName('家属')): Promise<TestUser> {
    const phone = this.nextPhone();
    const password = 'Family#pass1';
    const res = await this.api.post('/api/auth/register', { phone, password, name });
    expectStatus('register family', res, 201);
    return { id: res.body.user.id, role: 'family', name, phone, password, token: res.body.token };
  }

  elderBody(communityId: string, overrides: Record<string, unknown> = {}): Record<string, any> {
    const birthDate = (overrides.birthDate as string | undefined) ?? '1948-03-15';
    const gender = (overrides.gender as 'male' | 'female' | undefined) ?? 'male';
    return {
      name: this.uniqueName('张老'),
      idCardNo: this.nextIdCardNo(birthDate, gender),
      phone: this.nextPhone(),
      birthDate,
      gender,
      address: '官渡区关上街道幸福小区3栋2单元101',
      communityId,
      groups: ['dibao'],
      ...overrides,
    };
  }

  /** Registers an elder (as the given worker or admin); returns the response body and what was sent. */
  async elder(
    token: string,
    communityId: string,
    overrides: Record<string, unknown> = {},
  ): Promise<{ id: string; sent: Record<string, any>; body: any }> {
    const sent = this.elderBody(communityId, overrides);
    const res = await this.api.post('/api/elders', sent, { token });
    expectStatus('create elder', res, 201);
    return { id: res.body.id, sent, body: res.body };
  }

  /** Gives an elder a login and logs them in. */
  async elderAccount(token: string, elderId: string): Promise<TestUser> {
    const phone = this.nextPhone();
    const password = 'Elder#pass1';
    const res = await this.api.post(`/api/elders/${elderId}/account`, { phone, password }, { token });
    expectStatus('create elder account', res, 201);
    const login = await this.api.post('/api/auth/login', { phone, password });
    expectStatus('elder login', login, 200);
    return { id: res.body.id, role: 'elder', name: res.body.name, phone, password, token: login.body.token };
  }

  /** Records a capability assessment with the given total (e.g. 50 → 中度失能); returns its body. */
  async assess(token: string, elderId: string, total: number, assessedAt?: string): Promise<any> {
    const res = await this.api.post(
      `/api/elders/${elderId}/assessments`,
      { items: assessmentItems(total), ...(assessedAt ? { assessedAt } : {}) },
      { token },
    );
    expectStatus('assess elder', res, 201);
    return res.body;
  }

  /** Invite by `inviterToken`, link by `family`; returns the code. */
  async link(inviterToken: string, elderId: string, family: TestUser): Promise<string> {
    const inv = await this.api.post(`/api/elders/${elderId}/invites`, {}, { token: inviterToken });
    expectStatus('create invite', inv, 201);
    const link = await this.api.post('/api/family/links', { code: inv.body.code }, { token: family.token });
    expectStatus('link family', link, 201);
    return inv.body.code;
  }
}

/**
 * Scores for all 26 assessment items adding up to `total` (0–90): the first items at their best,
 * the rest lower, as an assessor would fill them in.
 */
export function assessmentItems(total: number): { code: string; score: number }[] {
  let left = total;
  return ASSESSMENT_ITEMS.map((item) => {
    const score = Math.min(left, Math.max(...item.options.map((o) => o.score)));
    left -= score;
    return { code: item.code, score };
  });
}

/** A well-formed object id that names nothing. */
export const UNKNOWN_ID = 'aaaaaaaaaaaaaaaaaaaaaaaa';
