// Browser test of the 食堂柜台 page in the built H5 app (miniapp/dist-h5) against the real API.
// Today's lunch orders are placed through the API with the BFF's clock moved to 06:00 China
// time (before the 10:00 cut-off), then the clock goes back to real time for the counter.
// A canteen staff member logs in, opens 食堂柜台 from the home page, sees the kitchen totals
// and counts the API returns, confirms one order (API: confirmed), checks out another with
// its 取餐码 (API: served), and sees inline errors for an unknown and an already-used code.
// 适老化 checked on the way: text ≥ 18px, buttons ≥ 48px tall, contrast ≥ 4.5:1, no dialogs.
import type { Locator, Page } from 'playwright-core';
import {
  contrastOf,
  expectNoPopups,
  expectTall,
  expectText,
  field,
  hasText,
  openPhonePage,
  type PhonePage,
  smallestTextSize,
  visible,
} from '../harness/browser';
import { addDays, chinaDate } from '@yiyangtong/shared';
import { MealFixtures } from '../api/meal-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite({ clock: () => now ?? new Date() });

const CODE_PLACEHOLDER = '输入6位取餐码';

let m: MealFixtures;
let canteen: { id: string; name: string };
let staff: TestUser;
let worker: TestUser;
let today: string;
/** null: real time. The BFF calls the clock on every request. */
let now: Date | null = null;

interface Placed {
  id: string;
  elderName: string;
  pickupCode: string;
}
let byElder: Placed; // booked by the elder herself, dine-in
let toConfirm: Placed; // booked by the worker (代订)
let toServe: Placed; // booked by the worker, take-away
let cancelled: Placed;

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  const community = await m.community({ name: '关上社区' });
  canteen = await m.canteen(community.id, { name: '关上长者食堂' }); // lunch 10:00, dinner 15:30; 堂食/自取
  staff = await m.user('canteen_staff', { canteenId: canteen.id, name: '食堂王师傅' });
  worker = await m.user('worker', { communityId: community.id, name: '助老员小李' });
  const e1 = await m.elder(worker.token, community.id, { name: '张桂兰', groups: [] });
  const e2 = await m.elder(worker.token, community.id, { name: '李德明', groups: [] });
  const e3 = await m.elder(worker.token, community.id, { name: '王秀英', groups: [] });
  const e4 = await m.elder(worker.token, community.id, { name: '赵长顺', groups: [] });
  const elderUser = await m.elderAccount(worker.token, e1.id);

  const pork = await m.dish(staff.token, canteen.id, '红烧肉', 1200);
  const greens = await m.dish(staff.token, canteen.id, '清炒时蔬', 600);
  const rice = await m.dish(staff.token, canteen.id, '米饭', 100);

  today = chinaDate(new Date());
  await m.putMenu(staff.token, canteen.id, today, 'lunch', [
    { dishId: pork.id, quota: 30 },
    { dishId: greens.id, quota: 30 },
    { dishId: rice.id, quota: 30 },
  ]);

  // Book today's lunch at 06:00 China time, before the 10:00 cut-off.
  now = new Date(`${today}T06:00:00+08:00`);
  try {
    const base = { canteenId: canteen.id, date: today, slot: 'lunch' as const };
    byElder = await m.placed(elderUser.token, {
      ...base,
      elderId: e1.id,
      items: [
        { dishId: pork.id, qty: 2 },
        { dishId: rice.id, qty: 2 },
      ],
    });
    toConfirm = await m.placed(worker.token, {
      ...base,
      elderId: e2.id,
      items: [
        { dishId: greens.id, qty: 1 },
        { dishId: rice.id, qty: 1 },
      ],
    });
    toServe = await m.placed(worker.token, {
      ...base,
      elderId: e3.id,
      items: [
        { dishId: pork.id, qty: 1 },
        { dishId: rice.id, qty: 1 },
      ],
      fulfilment: 'take_away',
    });
    cancelled = await m.placed(worker.token, {
      ...base,
      elderId: e4.id,
      items: [{ dishId: pork.id, qty: 5 }],
    });
    const c = await m.cancel(worker.token, cancelled.id);
    expect(c.status).toBe(200);
  } finally {
    now = null; // real time again: past the cut-off for most of the day, as at the counter
  }
});

const text = (page: Page, s: string) => visible(page.getByText(s, { exact: true }));
/** A Taro <Button> (taro-button-core) holding the text; its box is the tap target. */
const button = (page: Page, s: string) => visible(page.locator('taro-button-core').filter({ hasText: s }));
const orderRow = (page: Page, elderName: string) =>
  visible(page.locator('.counter__order').filter({ hasText: elderName }));

async function openCounterAs(user: TestUser): Promise<PhonePage> {
  const { page, dialogs, close } = await openPhonePage(suite.browser);
  await page.goto(`${suite.server.baseUrl}/`);
  await text(page, '去登录').click();
  await field(page, '请输入手机号').fill(user.phone);
  await field(page, '请输入密码').fill(user.password);
  await text(page, '登录').click();
  await text(page, `您好，${user.name}`).waitFor();
  // Staff get the counter in place of the elder features.
  await button(page, '食堂柜台').waitFor();
  for (const b of ['订餐', '上门服务', '紧急呼叫'])
    expect(
      await page.locator('taro-button-core').filter({ hasText: b }).filter({ visible: true }).count(),
    ).toBe(0);
  await expectTall(button(page, '食堂柜台'), '食堂柜台 (home)');
  await button(page, '食堂柜台').click();
  await text(page, '备餐汇总').waitFor();
  return { page, dialogs, close };
}

async function lunchOrders(): Promise<any> {
  const res = await suite.server.api.get(`/api/canteens/${canteen.id}/orders?date=${today}&slot=lunch`, {
    token: staff.token,
  });
  expect(res.status).toBe(200);
  return res.body;
}

async function statusOf(orderId: string): Promise<string> {
  const res = await suite.server.api.get(`/api/meal-orders/${orderId}`, { token: staff.token });
  expect(res.status).toBe(200);
  return res.body.status;
}

async function expectCounts(page: Page, counts: Record<string, number>): Promise<void> {
  for (const [k, n] of Object.entries(counts))
    await hasText(visible(page.locator(`.counter__count--${k} .counter__count-value`)), String(n));
}

test('staff at the counter: kitchen totals as the API says, confirm one order, check out another by 取餐码', async () => {
  const o = await openCounterAs(staff);
  const { page } = o;
  try {
    // Today, lunch by default.
    await expectText(button(page, '今天'), '✓');
    await expectText(button(page, '午餐'), '✓');

    // 备餐汇总 = the server's totals (cancelled order left out) and counts.
    const api = await lunchOrders();
    expect(api.counts).toEqual({ placed: 3, confirmed: 0, served: 0, cancelled: 1 });
    expect(api.totals.length).toBe(3);
    const pork = api.totals.find((t: { name: string }) => t.name === '红烧肉');
    expect(pork.qty).toBe(3); // 2 + 1, not the cancelled 5
    for (const t of api.totals) {
      const row = visible(page.locator('.counter__total').filter({ hasText: t.name }));
      await hasText(row.locator('.counter__total-qty'), `× ${t.qty}`);
      const size = await row
        .locator('.counter__total-qty')
        .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
      expect(size).toBeGreaterThanOrEqual(24);
    }
    expect(await page.locator('.counter__total').filter({ visible: true }).count()).toBe(api.totals.length);
    await expectCounts(page, api.counts);

    // 订单列表: name, items, fulfilment, status and who booked, in Chinese.
    expect(await page.locator('.counter__order').filter({ visible: true }).count()).toBe(4);
    await expectText(orderRow(page, byElder.elderName), '红烧肉×2、米饭×2');
    await expectText(orderRow(page, byElder.elderName), '堂食');
    await expectText(orderRow(page, byElder.elderName), '长者本人订');
    await expectText(orderRow(page, toServe.elderName), '自取');
    await expectText(orderRow(page, toConfirm.elderName), `社区助老员 ${worker.name} 代订`);
    await expectText(orderRow(page, toConfirm.elderName), '已下单');
    await expectText(orderRow(page, cancelled.elderName), '已取消');
    expect(
      await orderRow(page, cancelled.elderName)
        .locator('taro-button-core')
        .filter({ hasText: '确认' })
        .count(),
    ).toBe(0);

    // 适老化 on the loaded page.
    expect((await smallestTextSize(page)).size).toBeGreaterThanOrEqual(18);
    for (const b of ['今天', '明天', '早餐', '午餐', '晚餐', '核销', '刷新订单'])
      await expectTall(button(page, b), b);
    await expectTall(visible(page.locator('.counter__code')), '取餐码输入框');
    const confirmBtn = orderRow(page, toConfirm.elderName)
      .locator('taro-button-core')
      .filter({ hasText: '确认' });
    await expectTall(confirmBtn, '确认');
    const controls: [string, Locator][] = [
      ['今天 (chosen)', button(page, '今天')],
      ['明天', button(page, '明天')],
      ['核销', button(page, '核销')],
      ['确认', confirmBtn],
      ['已下单 badge', visible(orderRow(page, toConfirm.elderName).locator('.counter__status'))],
      ['已取消 badge', visible(orderRow(page, cancelled.elderName).locator('.counter__status'))],
      ['dish total', visible(page.locator('.counter__total-qty'))],
    ];
    for (const [what, l] of controls) {
      expect({ what, ok: (await contrastOf(l)) >= 4.5 }).toEqual({ what, ok: true });
    }

    // 确认 one order.
    const confirmResP = page.waitForResponse(
      (r) => r.url().endsWith(`/api/meal-orders/${toConfirm.id}/confirm`) && r.request().method() === 'POST',
    );
    await confirmBtn.click();
    expect((await confirmResP).status()).toBe(200);
    expect(await statusOf(toConfirm.id)).toBe('confirmed');
    await hasText(visible(orderRow(page, toConfirm.elderName).locator('.counter__status')), '已确认');
    await expectCounts(page, { placed: 2, confirmed: 1 });
    expect(
      await orderRow(page, toConfirm.elderName)
        .locator('taro-button-core')
        .filter({ hasText: '确认' })
        .count(),
    ).toBe(0);
    expect(
      await contrastOf(visible(orderRow(page, toConfirm.elderName).locator('.counter__status'))),
    ).toBeGreaterThanOrEqual(4.5);

    // 核销 another one with its 取餐码.
    const codeField = field(page, CODE_PLACEHOLDER);
    expect(toServe.pickupCode).toMatch(/^\d{6}$/);
    await codeField.fill(toServe.pickupCode);
    const pickupResP = page.waitForResponse(
      (r) => r.url().endsWith(`/api/canteens/${canteen.id}/pickups`) && r.request().method() === 'POST',
    );
    await button(page, '核销').click();
    const pickupRes = await pickupResP;
    expect(pickupRes.status()).toBe(200);
    expect(pickupRes.request().postDataJSON()).toEqual({ code: toServe.pickupCode, date: today });
    const served = visible(page.locator('.counter__served'));
    await expectText(served, `已取餐：${toServe.elderName} 红烧肉×1、米饭×1`);
    const box = await served.evaluate((el) => {
      const s = getComputedStyle(el);
      return { border: s.borderTopColor, width: parseFloat(s.borderTopWidth) };
    });
    expect(box.border).toBe('rgb(20, 108, 46)');
    expect(box.width).toBeGreaterThanOrEqual(2);
    expect(await contrastOf(visible(page.locator('.counter__served-text')))).toBeGreaterThanOrEqual(4.5);
    expect(await codeField.inputValue()).toBe('');
    expect(await statusOf(toServe.id)).toBe('served');
    await hasText(visible(orderRow(page, toServe.elderName).locator('.counter__status')), '已取餐');
    await expectCounts(page, await lunchOrders().then((b) => b.counts));
    await expectCounts(page, { placed: 1, confirmed: 1, served: 1, cancelled: 1 });

    // A code nobody has: 404 → 「取餐码不存在」 inline, in the red box.
    const used = new Set([byElder, toConfirm, toServe, cancelled].map((x) => x.pickupCode));
    let wrong = 100000;
    while (used.has(String(wrong))) wrong += 1;
    await codeField.fill(String(wrong));
    const wrongResP = page.waitForResponse((r) => r.url().endsWith('/pickups'));
    await button(page, '核销').click();
    expect((await wrongResP).status()).toBe(404);
    const err = visible(page.locator('.error-box').filter({ hasText: '取餐码不存在' }));
    await err.waitFor();
    const errStyle = await err.evaluate((el) => {
      const s = getComputedStyle(el);
      return { border: s.borderTopColor, size: parseFloat(s.fontSize) };
    });
    expect(errStyle.border).toBe('rgb(179, 38, 30)');
    expect(errStyle.size).toBeGreaterThanOrEqual(18);
    expect(await page.locator('.counter__served').filter({ visible: true }).count()).toBe(0);

    // The same code again: 409, the server's message inline.
    await codeField.fill(toServe.pickupCode);
    const againResP = page.waitForResponse((r) => r.url().endsWith('/pickups'));
    await button(page, '核销').click();
    const againRes = await againResP;
    expect(againRes.status()).toBe(409);
    const message = ((await againRes.json()) as { error: { message: string } }).error.message;
    await visible(page.locator('.error-box').filter({ hasText: message })).waitFor();

    // Not 6 digits: said inline, nothing sent.
    await codeField.fill('123');
    await button(page, '核销').click();
    await visible(page.locator('.error-box').filter({ hasText: '请输入6位数字取餐码' })).waitFor();

    expect((await smallestTextSize(page)).size).toBeGreaterThanOrEqual(18);

    // 明天: nothing booked yet.
    await button(page, '明天').click();
    await expectText(button(page, '明天'), '✓');
    await text(page, '这一餐还没有订单。').waitFor();
    await expectCounts(page, { placed: 0, confirmed: 0, served: 0, cancelled: 0 });
    const tomorrow = await suite.server.api.get(
      `/api/canteens/${canteen.id}/orders?date=${addDays(today, 1)}&slot=lunch`,
      { token: staff.token },
    );
    expect(tomorrow.body.items).toEqual([]);

    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});
