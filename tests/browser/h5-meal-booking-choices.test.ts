// The 订餐 page at 390×844 and 360×640, with the server's and the browser's clocks at 08:00
// China time today: 今天 is offered (lunch closes at 10:00) and, opened without a meal asked
// for, today's lunch is the meal chosen; with 18 dishes the total and 确认订餐 are on the
// first screen in a bar fixed to the bottom that never covers the last dish; a meal the
// elder already has is said first ("您已订了明天午餐") with 查看这份订单 and 再订一份, and
// 再订一份 books a second lunch on purpose (additional: true) whose price says why it has
// no subsidy.
import type { Page } from 'playwright-core';
import { addDays, chinaDate } from '@yiyangtong/shared';
import {
  buttonNamed as btn,
  buttonStarting as btnStarting,
  checkPage,
  expectNoPopups,
  expectPressed,
  expectText,
  openPhonePage,
  signIn,
  textOn as text,
  visible,
} from '../harness/browser';
import { MealFixtures } from '../api/meal-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite({ clock: () => EIGHT_AM });

const today = chinaDate(new Date());
const tomorrow = addDays(today, 1);
const EIGHT_AM = new Date(`${today}T08:00:00+08:00`);
const RULE = '八十岁以上每餐减3元';

let m: MealFixtures;
let community: { id: string };
let canteen: { id: string; name: string };
let worker: TestUser;
let dishes: { id: string; name: string }[];

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  community = await m.community({ name: '关上社区' });
  canteen = await m.canteen(community.id, { name: '关上长者食堂' }); // lunch 10:00, dinner 15:30
  const staff = await m.user('canteen_staff', { canteenId: canteen.id });
  worker = await m.user('worker', { communityId: community.id });
  const names = [
    '清蒸鲈鱼',
    '红烧肉',
    '清炒时蔬',
    '番茄炒蛋',
    '麻婆豆腐',
    '土豆丝',
    '冬瓜汤',
    '小米粥',
    '白菜炖粉条',
    '蒸南瓜',
    '炒豆角',
    '鱼香肉丝',
    '紫菜蛋花汤',
    '蒸水蛋',
    '凉拌黄瓜',
    '红烧茄子',
    '米饭',
    '馒头',
  ];
  dishes = [];
  for (const [i, name] of names.entries())
    dishes.push(await m.dish(staff.token, canteen.id, name, 300 + i * 20));
  for (const date of [today, tomorrow])
    await m.putMenu(
      staff.token,
      canteen.id,
      date,
      'lunch',
      dishes.map((d) => ({ dishId: d.id, quota: 30 })),
    );
  await m.rule({
    name: RULE,
    minAge: 80,
    benefit: { type: 'amount_off', value: 300 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom: addDays(today, -30),
  });
});

async function elderWithLogin(name: string): Promise<{ id: string; user: TestUser }> {
  const e = await m.elder(worker.token, community.id, { name, birthDate: '1940-03-01', groups: [] });
  return { id: e.id, user: await m.elderAccount(worker.token, e.id) };
}

async function openAt(viewport: { width: number; height: number }, user: TestUser) {
  const o = await openPhonePage(suite.browser);
  await o.page.setViewportSize(viewport);
  await o.page.clock.setFixedTime(EIGHT_AM); // the page's "now" is the server's
  await signIn(o.page, suite.server.baseUrl, user);
  return o;
}

const booking = (page: Page, query = '') =>
  page.goto(`${suite.server.baseUrl}/#/pages/meal-booking/meal-booking${query}`);

/** The element's box lies inside the viewport (seen without scrolling). */
async function onScreen(page: Page, selector: string): Promise<boolean> {
  return page.evaluate((sel) => {
    const el = Array.from(document.querySelectorAll(sel)).find(
      (x) => (x as HTMLElement).offsetParent !== null,
    );
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight;
  }, selector);
}

describe.each([
  { width: 390, height: 844 },
  { width: 360, height: 640 },
])('订餐 at $width×$height', (viewport) => {
  test('today’s lunch is offered and chosen before its cut-off; the total and 确认订餐 stay on the first screen above 18 dishes', async () => {
    const elder = await elderWithLogin(`今天吃${viewport.width}`);
    const o = await openAt(viewport, elder.user);
    const { page } = o;
    try {
      await booking(page);
      await text(page, '1. 为谁订餐').waitFor();
      await btnStarting(page, canteen.name).click();
      await expectPressed(btnStarting(page, '今天'), true);
      await expectPressed(btnStarting(page, '午餐'), true);
      await text(page, '午餐 当天 10:00 截止').waitFor();
      await checkPage(page, `订餐 today (${viewport.width})`);

      await btn(page, `加一份 ${dishes[0].name}`).click();
      await expectText(visible(page.locator('.meal__bar')), '应付');
      await expectText(visible(page.locator('.meal__bar')), '¥0.00'); // ¥3.00 less the ¥3 subsidy
      await btn(page, '确认订餐').waitFor();
      await page.evaluate(() => window.scrollTo(0, 0));
      expect(await onScreen(page, '.meal__bar taro-button-core')).toBe(true);
      await checkPage(page, `订餐 with the bar (${viewport.width})`);

      // Scrolled to the end, the last dish's + is above the bar, so it can still be tapped.
      const last = dishes[dishes.length - 1];
      await btn(page, `加一份 ${last.name}`).scrollIntoViewIfNeeded();
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      const plus = await btn(page, `加一份 ${last.name}`).boundingBox();
      const bar = await visible(page.locator('.meal__bar')).boundingBox();
      expect(plus && bar && plus.y + plus.height <= bar.y).toBe(true);
      await btn(page, `加一份 ${last.name}`).click();
      // The server's new quote in the bar (¥3.00 + ¥6.40 less ¥3 subsidy) before the last tap.
      await expectText(visible(page.locator('.meal__bar')), '¥6.40');

      const posted = page.waitForResponse(
        (r) => r.url().endsWith('/api/meal-orders') && r.request().method() === 'POST',
      );
      await btn(page, '确认订餐').click();
      const res = await posted;
      expect(res.status()).toBe(201);
      expect((await res.json()).date).toBe(today);
      await text(page, '订餐成功').waitFor();
      await expectNoPopups(o);
    } finally {
      await o.close();
    }
  });

  test('a lunch she already has is said first: 查看这份订单 opens it, 再订一份 books a second one on purpose, priced without the subsidy and saying why', async () => {
    const elder = await elderWithLogin(`已订过${viewport.width}`);
    const first = await m.placed(worker.token, {
      elderId: elder.id,
      canteenId: canteen.id,
      date: tomorrow,
      slot: 'lunch',
      items: [{ dishId: dishes[1].id, qty: 1 }],
    });
    const o = await openAt(viewport, elder.user);
    const { page } = o;
    try {
      await booking(page, '?slot=lunch'); // as 订明天午餐 on the home page opens it
      await text(page, '您已订了明天午餐').waitFor();
      expect(await page.getByRole('button', { name: '确认订餐' }).count()).toBe(0);
      expect(await page.getByRole('button', { name: `加一份 ${dishes[0].name}` }).count()).toBe(0);
      await checkPage(page, `订餐 already booked (${viewport.width})`);

      await btn(page, '查看这份订单').click();
      await expectText(visible(page.locator('.orders__upcoming')), first.pickupCode);
      await checkPage(page, `我的订单 from 查看这份订单 (${viewport.width})`);

      await booking(page, '?slot=lunch');
      await text(page, '您已订了明天午餐').waitFor();
      await btn(page, '再订一份').click();
      await text(page, '这是明天午餐的第二份，照常收费（每人每餐限补贴一份）。').waitFor();
      await btn(page, `加一份 ${dishes[0].name}`).click();
      await text(page, `每人每餐限补贴1份，这是第2份，不享受「${RULE}」`).waitFor();
      await checkPage(page, `订餐 second lunch (${viewport.width})`);

      const posted = page.waitForResponse(
        (r) => r.url().endsWith('/api/meal-orders') && r.request().method() === 'POST',
      );
      await btn(page, '确认订餐').click();
      const res = await posted;
      expect(res.request().postDataJSON()).toMatchObject({ additional: true, date: tomorrow });
      expect(res.status()).toBe(201);
      await text(page, '订餐成功').waitFor();
      const mine = await suite.server.api.get(`/api/meal-orders?elderId=${elder.id}&date=${tomorrow}`, {
        token: worker.token,
      });
      expect(mine.body.items.filter((x: { status: string }) => x.status !== 'cancelled')).toHaveLength(2);
      await expectNoPopups(o);
    } finally {
      await o.close();
    }
  });
});
