// The elder's journey in the built H5 app against the real API, counting her taps from home:
// tomorrow's lunch in ≤ 3 taps (nearest canteen and the meal preselected), 「和上次一样」 for
// the same lunch asks first (您已订了明天午餐 → 再订一份) and books in 3 taps with the price
// breakdown shown before the last one, then 我的订单: the big pickup
// codes, past meals, and a cancel with one in-page confirmation that says portions go back.
// axe-core (serious/critical) and the 适老化 checks run on every page she sees.
import type { Page } from 'playwright-core';
import { addDays, chinaDate } from '@yiyangtong/shared';
import {
  expectNoPopups,
  expectText,
  field,
  hasText,
  openPhonePage,
  TapCounter,
  visible,
  buttonNamed,
  buttonStarting,
  checkPage,
  signIn,
  textOn,
  expectPressed,
} from '../harness/browser';
import { MealFixtures } from '../api/meal-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let m: MealFixtures;
let near: { id: string; name: string };
let staff: TestUser;
let elder: { id: string };
let elderUser: TestUser;
let fish: { id: string; name: string; price: number };
let rice: { id: string; name: string; price: number };
let tomorrow: string;

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  const community = await m.community({ name: '关上社区' });
  const here = community.location;
  // The far canteen is created first: the page must pick the nearest, not the first.
  const far = await m.canteen(community.id, {
    name: '远处的食堂',
    location: { lng: here.lng + 0.05, lat: here.lat },
  });
  near = await m.canteen(community.id, { name: '关上长者食堂', location: here });
  staff = await m.user('canteen_staff', { canteenId: near.id });
  const farStaff = await m.user('canteen_staff', { canteenId: far.id });
  const worker = await m.user('worker', { communityId: community.id });
  elder = await m.elder(worker.token, community.id, {
    name: '张桂兰',
    birthDate: '1948-06-18',
    gender: 'female',
    groups: [],
    location: here,
  });
  elderUser = await m.elderAccount(worker.token, elder.id);
  tomorrow = addDays(chinaDate(new Date()), 1);
  fish = await m.dish(staff.token, near.id, '清蒸鲈鱼', 900);
  rice = await m.dish(staff.token, near.id, '米饭', 100);
  // Dinner is published too: the home page's 午餐 must still be the meal preselected.
  await m.putMenu(staff.token, near.id, tomorrow, 'lunch', [
    { dishId: fish.id, quota: 20 },
    { dishId: rice.id, quota: 20 },
  ]);
  await m.putMenu(staff.token, near.id, tomorrow, 'dinner', [{ dishId: rice.id, quota: 20 }]);
  const farDish = await m.dish(farStaff.token, far.id, '远处的菜', 500);
  await m.putMenu(farStaff.token, far.id, tomorrow, 'lunch', [{ dishId: farDish.id, quota: 5 }]);
});

const text = textOn;
const btn = buttonNamed;
const btnStarting = buttonStarting;

/** The signed-out home and the login page pass the page checks too, then she signs in. */
async function elderSignsIn(page: Page): Promise<void> {
  await page.goto(`${suite.server.baseUrl}/`);
  await text(page, '去登录').waitFor();
  await checkPage(page, 'home (signed out)');
  await text(page, '去登录').click();
  await field(page, '请输入手机号').waitFor();
  await checkPage(page, 'login');
  await signIn(page, suite.server.baseUrl, elderUser);
}

test('tomorrow’s lunch in 3 taps from home, then 「和上次一样」 (asked first: 再订一份) in 3, then 我的订单 with one cancel', async () => {
  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    await elderSignsIn(page);
    await checkPage(page, 'home (signed in, elder)');

    // ---- Tomorrow's lunch: 订明天午餐 → 加一份 → 确认订餐 ----
    const taps = new TapCounter();
    await taps.tap(btn(page, '订明天午餐'));
    // Preselected: the nearest canteen, 明天, 午餐 (not the far canteen, not dinner).
    await expectPressed(btnStarting(page, near.name), true);
    await expectPressed(btnStarting(page, '远处的食堂'), false);
    await expectPressed(btnStarting(page, '明天'), true);
    await expectPressed(btnStarting(page, '午餐'), true);
    await text(page, '午餐 当天 10:00 截止').waitFor();
    await checkPage(page, 'meal booking (nothing chosen yet)');

    await taps.tap(btn(page, `加一份 ${fish.name}`));
    const quote = await m.quote(elderUser.token, {
      elderId: elder.id,
      canteenId: near.id,
      date: tomorrow,
      slot: 'lunch',
      items: [{ dishId: fish.id, qty: 1 }],
      fulfilment: 'dine_in',
    });
    await hasText(
      visible(page.locator('.meal__payable-amount')),
      `¥${(quote.body.payable / 100).toFixed(2)}`,
    );
    await checkPage(page, 'meal booking (with price breakdown)');

    const first = page.waitForResponse(
      (r) => r.url().endsWith('/api/meal-orders') && r.request().method() === 'POST',
    );
    await taps.tap(btn(page, '确认订餐'));
    expect((await first).status()).toBe(201);
    await text(page, '订餐成功').waitFor();
    expect(taps.count).toBeLessThanOrEqual(3);
    expect(taps.count).toBe(3);
    const code1 = (await visible(page.locator('.meal__code')).innerText()).trim();
    await checkPage(page, 'booking result');

    // ---- 和上次一样: she has tomorrow's lunch already, so she is asked first (no silent second
    // meal); 再订一份 shows it priced, one more tap books it ----
    await btn(page, '返回首页').click();
    const again = new TapCounter();
    await again.tap(btnStarting(page, '和上次一样'));
    await text(page, '您已订了明天午餐').waitFor();
    await btn(page, '查看这份订单').waitFor();
    expect(await page.getByRole('button', { name: '确认订餐' }).count()).toBe(0);
    await checkPage(page, 'meal booking (already booked)');
    await again.tap(btn(page, '再订一份'));
    // Before the final tap: the same dish chosen and the price breakdown on screen.
    await hasText(
      visible(page.locator('.meal__dish').filter({ hasText: fish.name }).locator('.meal__qty')),
      '1',
    );
    await hasText(
      visible(page.locator('.meal__payable-amount')),
      `¥${(quote.body.payable / 100).toFixed(2)}`,
    );
    await text(page, '菜品合计').waitFor();
    await text(page, '已按上次的菜选好，可以直接确认。').waitFor();
    await checkPage(page, 'meal booking (和上次一样)');
    const second = page.waitForResponse(
      (r) => r.url().endsWith('/api/meal-orders') && r.request().method() === 'POST',
    );
    await again.tap(btn(page, '确认订餐'));
    const repeated = await (await second).json();
    expect(again.count).toBe(3);
    expect(repeated).toMatchObject({
      canteenId: near.id,
      date: tomorrow,
      slot: 'lunch',
      fulfilment: 'dine_in',
      items: [{ dishId: fish.id, qty: 1 }],
    });
    await text(page, '订餐成功').waitFor();

    // ---- 我的订单 ----
    // The canteen serves the first order (as if eaten): it moves to the past list.
    const mine = await suite.server.api.get(`/api/meal-orders?elderId=${elder.id}`, {
      token: elderUser.token,
    });
    const firstOrder = mine.body.items.find((x: { pickupCode: string }) => x.pickupCode === code1);
    const served = await suite.server.api.post(
      `/api/canteens/${near.id}/pickups`,
      { code: code1, date: tomorrow },
      { token: staff.token },
    );
    expect(served.status).toBe(200);

    await btn(page, '返回首页').click();
    await btn(page, '我的订单').click();
    const upcoming = visible(page.locator('.orders__upcoming'));
    await expectText(upcoming, repeated.pickupCode);
    const codeSize = await visible(page.locator('.orders__code')).evaluate((el) =>
      parseFloat(getComputedStyle(el).fontSize),
    );
    expect(codeSize).toBeGreaterThanOrEqual(40);
    const pastCard = visible(page.locator('.orders__past'));
    await expectText(pastCard, '已取餐');
    await expectText(pastCard, fish.name);
    expect(firstOrder).toBeTruthy();
    await checkPage(page, '我的订单');

    const before = await m.remaining(near.id, tomorrow, 'lunch', fish.id);
    await btnStarting(page, '取消').click();
    const question = visible(page.locator('.orders__question'));
    await expectText(question, '取消后份数会退回食堂');
    await checkPage(page, '我的订单 (confirming cancel)');
    await expectNoPopups(o);
    await btn(page, '确定取消').click();
    await expectText(visible(page.locator('.orders__done')), '份数已退回食堂');
    expect(await m.remaining(near.id, tomorrow, 'lunch', fish.id)).toBe(before + 1);
    const after = await suite.server.api.get(`/api/meal-orders/${repeated.id}`, { token: elderUser.token });
    expect(after.body.status).toBe('cancelled');
    await text(page, '还没有要吃的餐。').waitFor();
    await checkPage(page, '我的订单 (after cancel)');
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});
