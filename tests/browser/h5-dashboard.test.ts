// The district dashboard (辖区数据) in the built H5 app against the real API, on a phone
// (390×844) and on a PC screen (1366×768): every chart drawn (a canvas with a size), the key
// numbers and the communities' figures as text equal to what the API answers for the same
// range, counted by meal date (a meal booked ahead for later this month is in 本月), no
// horizontal scroll, axe and the 适老化 checks on each state; a worker sees their community only.
import type { Page } from 'playwright-core';
import { addDays, ALARM_SOURCE_LABELS, chinaDate } from '@yiyangtong/shared';
import {
  buttonNamed,
  checkPage,
  expectNoPopups,
  expectNoSideScroll,
  openPageAt,
  signIn,
  textOn,
  visible,
} from '../harness/browser';
import { ServiceFixtures } from '../api/service-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let f: ServiceFixtures;
let workerB: TestUser;
let month: { from: string; to: string };

const lastDayOf = (m: string) => addDays(`${addDays(`${m}-28`, 7).slice(0, 7)}-01`, -1);
const yuan = (fen: number) => `¥${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

beforeAll(async () => {
  f = new ServiceFixtures(suite.server);
  const today = chinaDate(new Date());
  month = { from: `${today.slice(0, 7)}-01`, to: lastDayOf(today.slice(0, 7)) };
  const commA = await f.community({ name: '关上社区' });
  const commB = await f.community({ name: '太和社区' });
  const workerA = await f.user('worker', { communityId: commA.id });
  workerB = await f.user('worker', { communityId: commB.id });
  const canteen = await f.canteen(commA.id, { name: '关上长者食堂' });
  const staff = await f.user('canteen_staff', { canteenId: canteen.id });
  await f.rule({
    name: '60岁以上助餐优惠',
    minAge: 60,
    benefit: { type: 'amount_off', value: 200 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom: addDays(today, -40),
  });
  const dish = await f.dish(staff.token, canteen.id, '番茄炒蛋', 1200);
  const elderA = await f.elder(workerA.token, commA.id, { name: '李秀兰', birthDate: '1950-03-01' });
  const elderB = await f.elder(workerB.token, commB.id, { name: '钱桂芳', birthDate: '1952-07-01' });
  // Meals booked ahead, for the coming days of this month (counted by their meal date).
  for (const [elder, token] of [
    [elderA, workerA.token],
    [elderB, workerB.token],
  ] as const)
    for (const days of [1, 2]) {
      const date = addDays(today, days);
      if (date > month.to) continue;
      await f
        .putMenu(staff.token, canteen.id, date, 'lunch', [{ dishId: dish.id, quota: 20 }])
        .catch(() => null);
      await f.placed(token, {
        elderId: elder.id,
        canteenId: canteen.id,
        date,
        slot: 'lunch',
        items: [{ dishId: dish.id, qty: 1 }],
      });
    }
  // An alarm in community B, answered.
  const sos = await suite.server.api.post('/api/sos', { elderId: elderB.id }, { token: workerB.token });
  await suite.server.api.post(`/api/sos/${sos.body.id}/ack`, {}, { token: workerB.token });
  // A care call in community B that finds another elder unwell: a care_call alarm, one escalation.
  const elderB2 = await f.elder(workerB.token, commB.id, { name: '孙玉梅', birthDate: '1940-05-01' });
  const plan = await suite.server.api.post(
    '/api/care-plans',
    { elderId: elderB2.id, weekdays: [1, 2, 3, 4, 5, 6, 7] },
    { token: workerB.token },
  );
  expect(plan.status).toBeLessThan(300);
  const call = await suite.server.api.post(
    '/api/care-calls',
    { elderId: elderB2.id, outcome: 'unwell', notes: '说头晕' },
    { token: workerB.token },
  );
  expect(call.status).toBeLessThan(300);
});

const openPage = (viewport: { width: number; height: number }) => openPageAt(suite.browser, viewport);

/** Waits until `n` charts are drawn, then returns each chart canvas's size. */
async function chartSizes(page: Page, n: number): Promise<{ w: number; h: number }[]> {
  const canvases = page.locator('.chart__canvas canvas').filter({ visible: true });
  for (let i = 0; i < 100 && (await canvases.count()) < n; i++) await page.waitForTimeout(100);
  return canvases.evaluateAll((els) =>
    els.map((c) => ({ w: c.getBoundingClientRect().width, h: c.getBoundingClientRect().height })),
  );
}

const kpi = (page: Page, label: string) =>
  visible(
    page
      .locator('.kpi')
      .filter({ has: page.getByText(label, { exact: true }) })
      .locator('.kpi__value'),
  );

async function expectDashboard(page: Page, token: string, what: string, communities: number) {
  const api = async (path: string) => (await suite.server.api.get(path, { token })).body;
  const range = `from=${month.from}&to=${month.to}`;
  const summary = await api(`/api/reports/summary?${range}`);
  const side = await api(`/api/reports/communities?${range}`);
  await textOn(page, '本月').waitFor();
  await visible(page.getByText(`${month.from} 至 ${month.to}，按用餐日期统计`, { exact: false })).waitFor();
  expect(await kpi(page, '订餐').textContent()).toBe(`${summary.mealOrders} 单`);
  expect(await kpi(page, '助餐补贴').textContent()).toBe(yuan(summary.subsidyTotal));
  expect(await kpi(page, '紧急呼叫').textContent()).toBe(`${summary.sosCount} 次`);
  expect(await kpi(page, '上门服务').textContent()).toBe(`${summary.serviceOrders} 单`);
  // 关怀与回访: alarms by who raised them (the care call's among them) and the 回访 tasks.
  for (const src of ['elder', 'care_call', 'delivery'] as const)
    expect(await kpi(page, `呼叫来源：${ALARM_SOURCE_LABELS[src]}`).textContent()).toBe(
      `${summary.sosBySource[src]} 次`,
    );
  expect(summary.sosBySource.care_call).toBe(1);
  expect(await kpi(page, '回访任务').textContent()).toBe(`${summary.followUpTasks} 个`);
  expect(await kpi(page, '已回访').textContent()).toBe(`${summary.followUpTasksDone} 个`);
  // 4 trend charts, the communities, the funders when there is a subsidy (no ratings yet:
  // satisfaction is text only).
  const charts = summary.subsidyTotal > 0 ? 6 : 5;
  const sizes = await chartSizes(page, charts);
  expect(sizes).toHaveLength(charts);
  for (const s of sizes) expect(s.w > 100 && s.h > 100).toBe(true);
  const lines = await page.locator('.chart-numbers__line').filter({ visible: true }).allTextContents();
  expect(side.items).toHaveLength(communities);
  for (const c of side.items)
    expect(lines).toContain(
      `${c.name}：订餐 ${c.mealOrders} 单，补贴 ${yuan(c.subsidyTotal)}，上门服务 ${c.serviceOrders} 单，紧急呼叫 ${c.sosCount} 次`,
    );
  await expectNoSideScroll(page, what);
  await checkPage(page, what);
  return summary;
}

for (const viewport of [
  { width: 390, height: 844 },
  { width: 1366, height: 768 },
]) {
  test(`admin dashboard at ${viewport.width}×${viewport.height}: charts drawn, figures equal the API's`, async () => {
    const o = await openPage(viewport);
    const { page } = o;
    try {
      const admin = { ...suite.server.admin };
      await signIn(page, suite.server.baseUrl, admin);
      await buttonNamed(page, '辖区数据').click();
      const summary = await expectDashboard(page, await f.adminToken(), `辖区数据 ${viewport.width}`, 2);
      // Booked ahead this month: the dashboard shows them under 本月, like the settlement.
      if (addDays(chinaDate(new Date()), 1) <= month.to) expect(summary.mealOrders).toBeGreaterThan(0);

      // By week: the series regroup; still drawn and checked.
      await buttonNamed(page, '按周').click();
      await page.waitForTimeout(300);
      const charts = summary.subsidyTotal > 0 ? 6 : 5;
      expect((await chartSizes(page, charts)).length).toBe(charts);
      await checkPage(page, `辖区数据 按周 ${viewport.width}`);
      // 近7天: another range, the key numbers follow the API for it.
      await buttonNamed(page, '近7天').click();
      const today = chinaDate(new Date());
      const week = (
        await suite.server.api.get(`/api/reports/summary?from=${addDays(today, -6)}&to=${today}`, {
          token: await f.adminToken(),
        })
      ).body;
      await visible(page.getByText(`${addDays(today, -6)} 至 ${today}`, { exact: false })).waitFor();
      for (let i = 0; i < 50 && (await kpi(page, '紧急呼叫').textContent()) !== `${week.sosCount} 次`; i++)
        await page.waitForTimeout(100);
      expect(await kpi(page, '订餐').textContent()).toBe(`${week.mealOrders} 单`);
      expect(await kpi(page, '紧急呼叫').textContent()).toBe(`${week.sosCount} 次`);
      await checkPage(page, `辖区数据 近7天 ${viewport.width}`);
      await expectNoPopups(o);
    } finally {
      await o.close();
    }
  });
}

test('a worker sees their own community only', async () => {
  const o = await openPage({ width: 390, height: 844 });
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, workerB);
    // Workers reach it from their desk (工作台); open it directly here.
    await page.goto(`${suite.server.baseUrl}/#/packages/admin/figures/figures`);
    await textOn(page, '本社区数据').waitFor();
    await expectDashboard(page, workerB.token, '本社区数据 (worker)', 1);
    // The community's care calls this month, as the care-call figures answer.
    const calls = (
      await suite.server.api.get(`/api/care-calls/summary?from=${month.from}&to=${month.to}`, {
        token: workerB.token,
      })
    ).body;
    expect(calls).toMatchObject({ made: 1, reached: 1, escalated: 1 });
    await kpi(page, '关怀电话已打').waitFor();
    expect(await kpi(page, '关怀电话应打').textContent()).toBe(`${calls.due} 个`);
    expect(await kpi(page, '关怀电话已打').textContent()).toBe('1 个');
    expect(await kpi(page, '转为紧急呼叫').textContent()).toBe('1 个');
    expect(await kpi(page, '漏打').textContent()).toBe(`${calls.missed} 个`);
    expect(await page.getByText('关上社区', { exact: false }).filter({ visible: true }).count()).toBe(0);
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});
