// Browser test of the 订餐 page in the built H5 app (miniapp/dist-h5) against the real API.
// An elder logs in, opens 订餐, picks canteen / 明天 / 午餐, adds two dishes, sees the
// server's quote (with the 80+ government discount) before booking, books, and gets the
// 取餐码 the API has on record; the menu's remaining portions go down. A sold-out answer
// (409) is shown inline in the red box and the menu refreshes. 适老化 checked on the way:
// text ≥ 18px, main buttons ≥ 48px tall, no dialogs.
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

const suite = useBrowserSuite();

const RULE_NAME = '80岁以上助餐优惠';

let m: MealFixtures;
let canteen: { id: string; name: string };
let staff: TestUser;
let worker: TestUser;
let community: { id: string };
let elder: { id: string };
let elderUser: TestUser;
let pork: { id: string; name: string; price: number };
let greens: { id: string; name: string; price: number };
let rice: { id: string; name: string; price: number };
let tomorrow: string;

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  community = await m.community({ name: '关上社区' });
  canteen = await m.canteen(community.id, { name: '关上长者食堂' }); // lunch 10:00, dinner 15:30; 堂食/自取
  staff = await m.user('canteen_staff', { canteenId: canteen.id });
  worker = await m.user('worker', { communityId: community.id });
  elder = await m.elder(worker.token, community.id, {
    name: '张桂兰',
    birthDate: '1941-06-18', // 85: the 80+ rule applies
    gender: 'female',
    groups: [],
  });
  elderUser = await m.elderAccount(worker.token, elder.id);

  pork = await m.dish(staff.token, canteen.id, '红烧肉', 1200);
  greens = await m.dish(staff.token, canteen.id, '清炒时蔬', 600);
  rice = await m.dish(staff.token, canteen.id, '米饭', 100);
  tomorrow = addDays(chinaDate(new Date()), 1);
  await m.putMenu(staff.token, canteen.id, tomorrow, 'lunch', [
    { dishId: pork.id, quota: 20 },
    { dishId: greens.id, quota: 15 },
    { dishId: rice.id, quota: 3 }, // few: the sold-out test takes them all in one order (max 10 a line)
  ]);
  await m.rule({
    name: RULE_NAME,
    minAge: 80,
    benefit: { type: 'amount_off', value: 300 },
    fundedBy: 'government',
    validFrom: addDays(chinaDate(new Date()), -30),
  });
});

const text = (page: Page, s: string) => visible(page.getByText(s, { exact: true }));
/** A Taro <Button> (taro-button-core) holding the text; its box is the tap target. */
const button = (page: Page, s: string) => visible(page.locator('taro-button-core').filter({ hasText: s }));
const dishRow = (page: Page, name: string) => visible(page.locator('.meal__dish').filter({ hasText: name }));
const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

interface Opened extends PhonePage {
  quotes: { request: any; response: any }[];
}

async function openMealBookingAs(user: TestUser): Promise<Opened> {
  const { page, dialogs, close } = await openPhonePage(suite.browser);
  const quotes: Opened['quotes'] = [];
  page.on('response', async (r) => {
    if (!r.url().endsWith('/api/pricing/quote') || r.status() !== 200) return;
    quotes.push({ request: r.request().postDataJSON(), response: await r.json().catch(() => null) });
  });
  await page.goto(`${suite.server.baseUrl}/`);
  await text(page, '去登录').click();
  await field(page, '请输入手机号').fill(user.phone);
  await field(page, '请输入密码').fill(user.password);
  await text(page, '登录').click();
  await text(page, `您好，${user.name}`).waitFor();
  await text(page, '订餐').click();
  await text(page, '1. 为谁订餐').waitFor();
  return { page, dialogs, quotes, close };
}

/** Canteen → 明天 → 午餐, as the elder would tap them. */
async function chooseLunchTomorrow(page: Page): Promise<void> {
  await button(page, canteen.name).click();
  await button(page, '明天').click();
  await button(page, '午餐').click();
  await text(page, '午餐 当天 10:00 截止').waitFor();
}

/**
 * When she has tomorrow's lunch from an earlier test, the page asks first ("您已订了明天午餐")
 * and the test goes on with 再订一份; run alone, the dishes show straight away.
 */
async function anotherLunch(page: Page, who = '您'): Promise<void> {
  const asked = text(page, `${who}已订了明天午餐`);
  await Promise.race([asked.waitFor(), visible(page.locator('.meal__dish')).waitFor()]);
  if (await asked.isVisible()) await button(page, '再订一份').click();
}

/** Taps + on a dish row `times` times and waits for the shown quantity. */
async function add(page: Page, name: string, times: number): Promise<void> {
  const row = dishRow(page, name);
  for (let i = 0; i < times; i++) await row.locator('.meal__step').filter({ hasText: '+' }).click();
  await hasText(row.locator('.meal__qty'), String(times));
}

test('an elder books tomorrow’s lunch: the quote shown is the server’s, the 取餐码 is the order’s, portions go down', async () => {
  const o = await openMealBookingAs(elderUser);
  const { page } = o;
  try {
    await text(page, `为 ${elderUser.name} 本人订餐`).waitFor();
    await chooseLunchTomorrow(page);

    const before = {
      pork: await m.remaining(canteen.id, tomorrow, 'lunch', pork.id),
      greens: await m.remaining(canteen.id, tomorrow, 'lunch', greens.id),
    };
    await expectText(dishRow(page, pork.name), `剩 ${before.pork} 份`);
    await expectText(dishRow(page, pork.name), yuan(pork.price));

    await add(page, pork.name, 2);
    await add(page, greens.name, 1);

    // The same selection, priced by the API directly.
    const selection = {
      elderId: elder.id,
      canteenId: canteen.id,
      date: tomorrow,
      slot: 'lunch' as const,
      items: [
        { dishId: pork.id, qty: 2 },
        { dishId: greens.id, qty: 1 },
      ],
      fulfilment: 'dine_in' as const,
    };
    const quote = await m.quote(elderUser.token, selection);
    expect(quote.status).toBe(200);
    expect(quote.body.subtotal).toBe(2 * pork.price + greens.price);
    expect(quote.body.discounts).toHaveLength(1);

    const payable = visible(page.locator('.meal__payable-amount'));
    await hasText(payable, yuan(quote.body.payable));
    await text(page, yuan(quote.body.subtotal)).waitFor();
    const discount = visible(page.locator('.meal__discount'));
    await expectText(discount, RULE_NAME);
    await expectText(discount, `−${yuan(quote.body.discounts[0].amount)}`);
    await expectText(discount, '政府补贴');
    // What the page asked the server for is this selection, and it showed that answer.
    const last = o.quotes[o.quotes.length - 1];
    expect(last.request).toEqual(selection);
    expect(last.response).toEqual(quote.body);

    // 适老化 on the filled-in form.
    const smallest = await smallestTextSize(page);
    expect(smallest.size).toBeGreaterThanOrEqual(18);
    const bodyFont = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    expect(bodyFont).toBeGreaterThanOrEqual(18);
    await expectTall(button(page, canteen.name), canteen.name);
    for (const b of ['明天', '后天', '午餐', '晚餐', '堂食', '自取', '确认订餐'])
      await expectTall(button(page, b), b);
    const minus = dishRow(page, pork.name).locator('.meal__step').first();
    const plus = dishRow(page, pork.name).locator('.meal__step').last();
    await expectTall(minus, '−');
    await expectTall(plus, '+');
    // Contrast ≥ 4.5:1 on the controls (chosen, not chosen, disabled) and the key figures.
    const controls: [string, Locator][] = [
      ['明天 (chosen)', button(page, '明天')],
      ['后天', button(page, '后天')],
      ['晚餐 (no menu, disabled)', button(page, '晚餐')],
      ['−', minus],
      ['+', plus],
      ['米饭 − (disabled)', dishRow(page, rice.name).locator('.meal__step').first()],
      ['确认订餐', button(page, '确认订餐')],
      ['应付', payable],
      ['剩 N 份', visible(dishRow(page, pork.name).locator('.meal__dish-left'))],
    ];
    for (const [what, l] of controls) {
      expect({ what, ok: (await contrastOf(l)) >= 4.5 }).toEqual({ what, ok: true });
    }

    // Book.
    const orderResP = page.waitForResponse(
      (r) => r.url().endsWith('/api/meal-orders') && r.request().method() === 'POST',
    );
    await button(page, '确认订餐').click();
    const orderRes = await orderResP;
    expect(orderRes.status()).toBe(201);
    expect(orderRes.request().headers()['idempotency-key']).toMatch(/^[\x21-\x7e]{8,128}$/);
    const order = await orderRes.json();

    await text(page, '订餐成功').waitFor();
    const code = (await visible(page.locator('.meal__code')).innerText()).trim();
    expect(code).toMatch(/^\d{6}$/);
    expect(
      await visible(page.locator('.meal__code')).evaluate((el) => parseFloat(getComputedStyle(el).fontSize)),
    ).toBeGreaterThanOrEqual(40);

    const mine = await suite.server.api.get(`/api/meal-orders?elderId=${elder.id}`, {
      token: elderUser.token,
    });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toHaveLength(1);
    expect(mine.body.items[0].id).toBe(order.id);
    expect(mine.body.items[0].pickupCode).toBe(code);

    // The result repeats the details and the same price breakdown.
    await text(page, canteen.name).waitFor();
    await text(page, '午餐').waitFor();
    await hasText(visible(page.locator('.meal__payable-amount')), yuan(mine.body.items[0].pricing.payable));
    expect(mine.body.items[0].pricing).toEqual(quote.body);
    await expectText(visible(page.locator('.meal__discount')), RULE_NAME);
    expect(await page.getByText('代订').filter({ visible: true }).count()).toBe(0); // booked by herself

    // Portions went down by the quantities, in the API and on the page.
    expect(await m.remaining(canteen.id, tomorrow, 'lunch', pork.id)).toBe(before.pork - 2);
    expect(await m.remaining(canteen.id, tomorrow, 'lunch', greens.id)).toBe(before.greens - 1);
    expect((await smallestTextSize(page)).size).toBeGreaterThanOrEqual(18);
    await button(page, '再订一餐').click();
    await anotherLunch(page);
    await expectText(dishRow(page, pork.name), `剩 ${before.pork - 2} 份`);
    await expectText(dishRow(page, greens.name), `剩 ${before.greens - 1} 份`);

    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});

test('sold out while choosing: the server’s message is shown inline in the red box and the menu refreshes', async () => {
  const o = await openMealBookingAs(elderUser);
  const { page } = o;
  try {
    await chooseLunchTomorrow(page);
    await anotherLunch(page);
    const left = await m.remaining(canteen.id, tomorrow, 'lunch', rice.id);
    await expectText(dishRow(page, rice.name), `剩 ${left} 份`);
    await add(page, rice.name, 1);
    await visible(page.locator('.meal__payable-amount')).waitFor();

    // Meanwhile the community worker books all the rice left for another elder (through the API).
    const other = await m.elder(worker.token, community.id, { name: '李德明', groups: [] });
    const taken = await m.order(worker.token, {
      elderId: other.id,
      canteenId: canteen.id,
      date: tomorrow,
      slot: 'lunch',
      items: [{ dishId: rice.id, qty: left }],
    });
    expect(taken.status).toBe(201);

    const resP = page.waitForResponse(
      (r) => r.url().endsWith('/api/meal-orders') && r.request().method() === 'POST',
    );
    await button(page, '确认订餐').click();
    const res = await resP;
    expect(res.status()).toBe(409);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('SOLD_OUT');

    // The plain next step first, then the server's detail (which dish).
    const box = visible(page.locator('.error-box').filter({ hasText: body.error.message }));
    await expectText(box, '这道菜已经订完了，换一道吧');
    await box.waitFor();
    const style = await box.evaluate((el) => {
      const s = getComputedStyle(el);
      return { border: s.borderTopColor, width: parseFloat(s.borderTopWidth), size: parseFloat(s.fontSize) };
    });
    expect(style.border).toBe('rgb(179, 38, 30)');
    expect(style.width).toBeGreaterThanOrEqual(2);
    expect(style.size).toBeGreaterThanOrEqual(18);

    // The menu was fetched again: rice is now sold out and cannot be added.
    const row = dishRow(page, rice.name);
    await expectText(row, '已售完');
    await hasText(row.locator('.meal__qty'), '0');
    expect(await page.getByText('订餐成功').filter({ visible: true }).count()).toBe(0);
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});

test('a family member with one linked elder has her preselected; the result says 「由 … 代订」', async () => {
  const son = await m.family('张伟');
  await m.link(elderUser.token, elder.id, son);
  const o = await openMealBookingAs(son);
  const { page } = o;
  try {
    await text(page, `为 ${elderUser.name} 订餐`).waitFor();
    await chooseLunchTomorrow(page);
    await anotherLunch(page, '张桂兰');
    await add(page, greens.name, 1);
    await button(page, '自取').click();
    const quote = await m.quote(son.token, {
      elderId: elder.id,
      canteenId: canteen.id,
      date: tomorrow,
      slot: 'lunch',
      items: [{ dishId: greens.id, qty: 1 }],
      fulfilment: 'take_away',
    });
    expect(quote.status).toBe(200);
    await hasText(visible(page.locator('.meal__payable-amount')), yuan(quote.body.payable));

    const resP = page.waitForResponse(
      (r) => r.url().endsWith('/api/meal-orders') && r.request().method() === 'POST',
    );
    await button(page, '确认订餐').click();
    const res = await resP;
    expect(res.status()).toBe(201);
    const order = await res.json();
    expect(order.fulfilment).toBe('take_away');
    await text(page, '订餐成功').waitFor();
    await hasText(visible(page.locator('.meal__code')), order.pickupCode);
    await text(page, `由 ${son.name} 代订`).waitFor();
    await text(page, '自取').waitFor();
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});
