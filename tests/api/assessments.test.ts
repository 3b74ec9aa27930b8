/**
 * 老年人能力评估 (GB/T 42195-2022): the community worker records an assessment of 26 items,
 * the BFF scores it (total, level), the elder's care level follows the latest assessment and
 * discount rules for care levels apply from then on; 需复评 after 12 months.
 */
import { ASSESSMENT_ITEMS } from '@yiyangtong/shared';
import { startTestServer, type TestServer } from '../harness/server';
import { assessmentItems, UNKNOWN_ID, type TestUser } from './fixtures';
import { MealFixtures } from './meal-fixtures';

let now = new Date('2026-12-01T01:00:00Z'); // 09:00 China time, 2026-12-01
let t: TestServer;
let m: MealFixtures;
let admin: string;
let comm: { id: string };
let worker: TestUser;
let otherWorker: TestUser;
let staff: TestUser;
let family: TestUser;
let canteen: { id: string };
let dish: { id: string };

beforeAll(async () => {
  t = await startTestServer({ clock: () => now });
  m = new MealFixtures(t);
  admin = await m.adminToken();
  comm = await m.community({ name: '关上社区' });
  const other = await m.community({ name: '太和社区' });
  worker = await m.user('worker', { communityId: comm.id });
  otherWorker = await m.user('worker', { communityId: other.id });
  canteen = await m.canteen(comm.id, { name: '关上长者食堂' });
  staff = await m.user('canteen_staff', { canteenId: canteen.id });
  family = await m.family();
  dish = await m.dish(staff.token, canteen.id, '红烧肉', 1200);
  for (const date of ['2026-12-01', '2026-12-02'])
    await m.putMenu(staff.token, canteen.id, date, 'lunch', [{ dishId: dish.id, quota: 50 }]);
});
afterAll(() => t?.close());

const post = (elderId: string, body: unknown, token = worker.token) =>
  t.api.post(`/api/elders/${elderId}/assessments`, body, { token });

describe('recording an assessment', () => {
  test.each([
    [90, 'intact', '能力完好', 'intact'],
    [89, 'mild', '能力轻度受损（轻度失能）', 'mild'],
    [66, 'mild', '能力轻度受损（轻度失能）', 'mild'],
    [65, 'moderate', '能力中度受损（中度失能）', 'moderate'],
    [46, 'moderate', '能力中度受损（中度失能）', 'moderate'],
    [45, 'severe', '能力重度受损（重度失能）', 'severe'],
    [30, 'severe', '能力重度受损（重度失能）', 'severe'],
    [29, 'lost', '能力完全丧失（完全失能）', 'severe'],
    [0, 'lost', '能力完全丧失（完全失能）', 'severe'],
  ])('a total of %i is %s (%s) and sets care level %s', async (total, level, levelName, careLevel) => {
    const elder = await m.elder(worker.token, comm.id);
    const res = await post(elder.id, { items: assessmentItems(total) });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ total, level, levelName, careLevel, assessedAt: '2026-12-01' });
    // The four indicators add up to the total; their maxima to 90.
    expect(res.body.indicators.map((i: { name: string }) => i.name)).toEqual([
      '自理能力',
      '基础运动能力',
      '精神状态',
      '感知觉与社会参与',
    ]);
    expect(res.body.indicators.reduce((s: number, i: { score: number }) => s + i.score, 0)).toBe(total);
    expect(res.body.indicators.reduce((s: number, i: { max: number }) => s + i.max, 0)).toBe(90);
    const read = await t.api.get(`/api/elders/${elder.id}`, { token: worker.token });
    expect(read.body).toMatchObject({ careLevel, lastAssessedAt: '2026-12-01', reassessmentDue: false });
  });

  test('the indicator totals are those of their items', async () => {
    const elder = await m.elder(worker.token, comm.id);
    // Everything at best except 上下楼梯 (0 of 3) and 抑郁症状 (0 of 1).
    const items = ASSESSMENT_ITEMS.map((i) => ({
      code: i.code,
      score: i.name === '上下楼梯' || i.name === '抑郁症状' ? 0 : Math.max(...i.options.map((o) => o.score)),
    }));
    const res = await post(elder.id, { items, notes: '楼梯需扶持' });
    expect(res.status).toBe(201);
    expect(res.body.total).toBe(86);
    expect(res.body.indicators).toEqual([
      { id: 'selfCare', name: '自理能力', score: 32, max: 32 },
      { id: 'motor', name: '基础运动能力', score: 12, max: 15 },
      { id: 'mental', name: '精神状态', score: 27, max: 28 },
      { id: 'perception', name: '感知觉与社会参与', score: 15, max: 15 },
    ]);
    expect(res.body.notes).toBe('楼梯需扶持');
  });

  test('bad items are a 400 naming the field; nothing is stored', async () => {
    const elder = await m.elder(worker.token, comm.id);
    const items = assessmentItems(70);
    const cases: [unknown, string, RegExp][] = [
      [{ items: items.slice(1) }, 'items', /26/],
      [{ items: [...items.slice(1), items[1]] }, 'items', /重复填写：修饰.*未评：进食/],
      [
        { items: items.map((i, n) => (n === 0 ? { ...i, score: 5 } : i)) },
        'items.0.score',
        /进食.*4、3、2、1、0/,
      ],
      [{ items: items.map((i, n) => (n === 11 ? { ...i, score: 4 } : i)) }, 'items.11.score', /上下楼梯/],
      [
        { items: items.map((i, n) => (n === 2 ? { ...i, code: 'B9.9' } : i)) },
        'items.2.code',
        /没有这个评估项目/,
      ],
      [{ items: items.map((i, n) => (n === 2 ? { ...i, score: 1.5 } : i)) }, 'items.2.score', /.+/],
      [{ items, assessedAt: '2026-12-02' }, 'assessedAt', /今天/],
      [{ items, assessedAt: '2026-02-30' }, 'assessedAt', /日期/],
      [{ items, careLevel: 'mild' }, 'careLevel', /不允许/],
      [{}, 'items', /必填/],
    ];
    for (const [body, field, words] of cases) {
      const res = await post(elder.id, body);
      expect({ field, status: res.status, code: res.body.error?.code }).toEqual({
        field,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
      expect(Object.keys(res.body.error.fields)).toContain(field);
      expect(res.body.error.fields[field]).toMatch(words);
    }
    const list = await t.api.get(`/api/elders/${elder.id}/assessments`, { token: worker.token });
    expect(list.body.items).toEqual([]);
    expect((await t.api.get(`/api/elders/${elder.id}`, { token: worker.token })).body).not.toHaveProperty(
      'careLevel',
    );
  });

  test('only a worker of the elder’s community or admin assesses; others see 404 or 403', async () => {
    const elder = await m.elder(worker.token, comm.id);
    const body = { items: assessmentItems(60) };
    expect((await post(elder.id, body, otherWorker.token)).status).toBe(404);
    expect((await post(UNKNOWN_ID, body)).status).toBe(404);
    expect((await post(elder.id, body, staff.token)).status).toBe(403);
    expect((await post(elder.id, body, family.token)).status).toBe(403);
    expect(
      (await t.api.get(`/api/elders/${elder.id}/assessments`, { token: otherWorker.token })).status,
    ).toBe(404);
    expect((await post(elder.id, body, admin)).status).toBe(201);
    expect((await t.api.get(`/api/elders/${elder.id}`, { token: otherWorker.token })).status).toBe(404);
  });

  test('the care level is not typed at registration any more', async () => {
    const res = await t.api.post('/api/elders', m.elderBody(comm.id, { careLevel: 'severe' }), {
      token: worker.token,
    });
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toHaveProperty('careLevel');
  });
});

describe('the latest assessment decides', () => {
  test('newest first; the care level follows the latest by date, not the last one entered', async () => {
    const elder = await m.elder(worker.token, comm.id);
    await m.assess(worker.token, elder.id, 80, '2026-06-01'); // mild
    await m.assess(worker.token, elder.id, 40, '2026-11-20'); // severe
    let read = await t.api.get(`/api/elders/${elder.id}`, { token: worker.token });
    expect(read.body).toMatchObject({ careLevel: 'severe', lastAssessedAt: '2026-11-20' });
    // An older assessment entered late does not override the newer one.
    const late = await m.assess(worker.token, elder.id, 90, '2025-12-15');
    expect(late.elderCareLevel).toBe('severe');
    read = await t.api.get(`/api/elders/${elder.id}`, { token: worker.token });
    expect(read.body).toMatchObject({ careLevel: 'severe', lastAssessedAt: '2026-11-20' });
    const list = await t.api.get(`/api/elders/${elder.id}/assessments`, { token: worker.token });
    expect(list.status).toBe(200);
    expect(list.body.items.map((a: { assessedAt: string }) => a.assessedAt)).toEqual([
      '2026-11-20',
      '2026-06-01',
      '2025-12-15',
    ]);
    expect(list.body.items[0]).toMatchObject({ total: 40, level: 'severe', items: expect.any(Array) });
    expect(list.body.items[0].items).toHaveLength(26);
  });

  test('two assessments saved at once: the elder ends with the later date’s level', async () => {
    const elder = await m.elder(worker.token, comm.id);
    const [a, b] = await Promise.all([
      post(elder.id, { items: assessmentItems(50), assessedAt: '2026-11-30' }),
      post(elder.id, { items: assessmentItems(85), assessedAt: '2026-11-29' }, admin),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    const read = await t.api.get(`/api/elders/${elder.id}`, { token: worker.token });
    expect(read.body).toMatchObject({ careLevel: 'moderate', lastAssessedAt: '2026-11-30' });
  });
});

describe('the audit log', () => {
  test('each assessment is on the elder’s log with the care level before and after', async () => {
    const elder = await m.elder(worker.token, comm.id, { name: '审计长者' });
    const first = await m.assess(worker.token, elder.id, 50, '2026-11-01');
    await m.assess(worker.token, elder.id, 80, '2026-11-20');
    const res = await t.api.get(`/api/audit?targetType=elder&targetId=${elder.id}`, { token: admin });
    expect(res.status).toBe(200);
    const entries = res.body.items.filter((e: { action: string }) => e.action === 'assessment.create');
    expect(entries).toHaveLength(2);
    // Newest first: 中度 → 轻度, then nothing → 中度.
    expect(entries[0].changes).toEqual([{ field: 'careLevel', before: 'moderate', after: 'mild' }]);
    expect(entries[1].changes).toEqual([{ field: 'careLevel', after: 'moderate' }]);
    expect(entries[1].reason).toContain(first.id);
    expect(entries[0].reason).toContain('80 分');
    expect(entries[0]).toMatchObject({ targetType: 'elder', targetId: elder.id });
    // The community's worker sees it too.
    const asWorker = await t.api.get(`/api/audit?targetType=elder&targetId=${elder.id}`, {
      token: worker.token,
    });
    expect(
      asWorker.body.items.filter((e: { action: string }) => e.action === 'assessment.create'),
    ).toHaveLength(2);
  });
});

describe('需复评', () => {
  test('never assessed, or 12 months since the latest (China dates), is due', async () => {
    const fresh = await m.elder(worker.token, comm.id, { name: '未评估' });
    const old = await m.elder(worker.token, comm.id, { name: '去年评估' });
    const recent = await m.elder(worker.token, comm.id, { name: '今年评估' });
    await m.assess(worker.token, old.id, 70, '2025-12-01');
    await m.assess(worker.token, recent.id, 70, '2025-12-02');
    const list = await t.api.get(`/api/elders?communityId=${comm.id}`, { token: worker.token });
    const due = (id: string) => list.body.items.find((e: { id: string }) => e.id === id);
    expect(due(fresh.id)).toMatchObject({ reassessmentDue: true });
    expect(due(fresh.id)).not.toHaveProperty('lastAssessedAt');
    expect(due(old.id)).toMatchObject({ reassessmentDue: true, lastAssessedAt: '2025-12-01' });
    expect(due(recent.id)).toMatchObject({ reassessmentDue: false, lastAssessedAt: '2025-12-02' });
    // The next China day (00:30 on 12-02 in Shanghai is still 12-01 in UTC) the other one is due too.
    now = new Date('2026-12-01T16:30:00Z');
    try {
      const next = await t.api.get(`/api/elders/${recent.id}`, { token: worker.token });
      expect(next.body.reassessmentDue).toBe(true);
    } finally {
      now = new Date('2026-12-01T01:00:00Z');
    }
    // Admin sees it too.
    expect((await t.api.get(`/api/elders/${recent.id}`, { token: admin })).body.reassessmentDue).toBe(false);
  });
});

describe('discount rules for care levels', () => {
  test('apply to orders placed after the assessment; an order placed before keeps its price', async () => {
    const elder = await m.elder(worker.token, comm.id, { groups: [], birthDate: '1980-05-05' });
    const rule = await m.rule({
      name: '中重度失能助餐补贴',
      careLevels: ['moderate', 'severe'],
      benefit: { type: 'amount_off', value: 500 },
      fundedBy: 'government',
      perElderPerSlotPerDay: 1,
      validFrom: '2026-01-01',
    });
    const body = (date: string) => ({
      elderId: elder.id,
      canteenId: canteen.id,
      date,
      slot: 'lunch' as const,
      items: [{ dishId: dish.id, qty: 1 }],
    });
    const before = await m.placed(worker.token, body('2026-12-02'));
    expect(before.pricing.discounts).toEqual([]);
    expect(before.pricing.payable).toBe(1200);

    await m.assess(worker.token, elder.id, 40); // 重度失能

    const quote = await m.quote(worker.token, body('2026-12-02'));
    expect(quote.body.discounts).toEqual([expect.objectContaining({ ruleId: rule.id, amount: 500 })]);
    const after = await m.placed(worker.token, { ...body('2026-12-02') });
    expect(after.pricing.discounts).toEqual([expect.objectContaining({ ruleId: rule.id, amount: 500 })]);
    expect(after.pricing.payable).toBe(700);
    // The order placed before the assessment keeps the price it was placed at.
    const kept = await t.api.get(`/api/meal-orders/${before.id}`, { token: worker.token });
    expect(kept.status).toBe(200);
    expect(kept.body.pricing.payable).toBe(1200);
    expect(kept.body.pricing.discounts).toEqual([]);
  });
});
