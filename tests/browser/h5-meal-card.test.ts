// A son far away tops up his mother's meal card by WeChat Pay and books her lunch from the
// card, in the built H5 app against the real API. WeChat's in-app browser is simulated
// honestly: the page gets a `WeixinJSBridge` whose `getBrandWCPayRequest` hands the signed
// prepay parameters to the local fake WeChat Pay, which checks the paySign, "pays", and sends
// its signed, encrypted notification to the BFF — the same path as production. In a plain
// browser (no bridge) the page says how to top up in person instead.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { addDays, chinaDate } from '@yiyangtong/shared';
import { MealFixtures } from '../api/meal-fixtures';
import {
  buttonNamed,
  buttonStarting,
  checkPage,
  expectNoPopups,
  expectPressed,
  launchChromium,
  textOn,
  visible,
} from '../harness/browser';
import { FakeWechatPay } from '../harness/fake-wechat-pay';
import { startTestServer } from '../harness/server';

let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Browser;
let fake: FakeWechatPay;
let m: MealFixtures;
let mother: { id: string };
let sonToken: string;
let soup: { id: string; name: string };

const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 13; V2049A) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.50.2701(0x28003253) NetType/WIFI Language/zh_CN';

beforeAll(async () => {
  fake = await new FakeWechatPay().start();
  server = await startTestServer({
    wechat: { baseUrl: fake.baseUrl, appId: fake.appId, appSecret: 's', timeoutMs: 5000 },
    wechatPay: fake.config('https://yiyangtong.example.cn/api/payments/wechat/notify'),
  });
  fake.notifyUrlOverride = `${server.baseUrl}/api/payments/wechat/notify`;
  browser = await launchChromium();
  m = new MealFixtures(server);
  const community = await m.community({ name: '关上社区' });
  const canteen = await m.canteen(community.id, { name: '关上长者食堂' });
  const staff = await m.user('canteen_staff', { canteenId: canteen.id });
  const worker = await m.user('worker', { communityId: community.id });
  mother = await m.elder(worker.token, community.id, {
    name: '张桂兰',
    gender: 'female',
    birthDate: '1948-03-15',
    groups: [],
  });
  // The son signed in with WeChat once (his openid is what WeChat Pay charges).
  const login = await server.api.post('/api/auth/wechat', { code: 'son' });
  expect(login.status).toBe(200);
  sonToken = login.body.token;
  const invite = await server.api.post(`/api/elders/${mother.id}/invites`, {}, { token: worker.token });
  expect(
    (await server.api.post('/api/family/links', { code: invite.body.code }, { token: sonToken })).status,
  ).toBe(201);
  soup = await m.dish(staff.token, canteen.id, '番茄蛋汤', 300);
  const tomorrow = addDays(chinaDate(new Date()), 1);
  await m.putMenu(staff.token, canteen.id, tomorrow, 'lunch', [{ dishId: soup.id, quota: 10 }]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await fake?.stop();
});

/** A phone page already signed in as the son; inside WeChat (with the bridge) or not. */
async function sonPage(
  inWechat: boolean,
): Promise<{ context: BrowserContext; page: Page; dialogs: string[] }> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    locale: 'zh-CN',
    ...(inWechat ? { userAgent: WECHAT_UA } : {}),
  });
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript((token) => {
    localStorage.setItem('yyt_token', JSON.stringify({ data: token }));
  }, sonToken);
  if (inWechat) {
    await page.exposeFunction('__fakeWechatPay', async (params: Parameters<FakeWechatPay['pay']>[0]) => {
      const answer = await fake.pay(params);
      return answer.status === 204 ? 'get_brand_wcpay_request:ok' : 'get_brand_wcpay_request:fail';
    });
    await page.addInitScript(() => {
      const w = window as unknown as {
        WeixinJSBridge: unknown;
        __fakeWechatPay(p: unknown): Promise<string>;
      };
      w.WeixinJSBridge = {
        invoke(name: string, params: unknown, cb: (res: { err_msg: string }) => void) {
          if (name !== 'getBrandWCPayRequest') return cb({ err_msg: `${name}:fail` });
          void w.__fakeWechatPay(params).then(
            (err_msg) => cb({ err_msg }),
            () => cb({ err_msg: 'get_brand_wcpay_request:fail' }),
          );
        },
      };
    });
  }
  return { context, page, dialogs };
}

test('inside WeChat: tops up ¥100 by WeChat Pay, then books her lunch from the card', async () => {
  const { context, page, dialogs } = await sonPage(true);
  try {
    await page.goto(`${server.baseUrl}/`);
    await buttonNamed(page, '我的家人').click();
    await buttonNamed(page, '张桂兰 的助餐卡（充值）').click();
    await textOn(page, '张桂兰 的助餐卡').waitFor();
    const balance = (yuan: string) => visible(page.locator(`.mealcard__balance[aria-label="余额 ${yuan}"]`));
    await balance('¥0.00').waitFor();
    await expectPressed(buttonStarting(page, '¥100.00'), true);
    await checkPage(page, '助餐卡 (family, inside WeChat)');

    await buttonNamed(page, '微信支付充值 ¥100.00').click();
    await textOn(page, '已支付 ¥100.00，到账后余额会更新。').waitFor();
    await balance('¥100.00').waitFor({ timeout: 10_000 });
    await textOn(page, '充值（微信）').waitFor();
    await textOn(page, '+¥100.00').waitFor();
    const card = await server.api.get(`/api/elders/${mother.id}/card`, { token: sonToken });
    expect(card.body).toMatchObject({
      balance: 10000,
      entries: [{ kind: 'topup', amount: 10000, method: 'wechat' }],
    });

    // Book her lunch: the card covers it, so 助餐卡 is chosen, with the balance shown.
    await buttonNamed(page, '返回首页').click();
    await buttonNamed(page, '为 张桂兰 订餐').click();
    await buttonNamed(page, `加一份 ${soup.name}`).click();
    await visible(page.locator('.meal__payable-amount')).waitFor();
    await expectPressed(buttonStarting(page, '助餐卡'), true);
    await textOn(page, '余额 ¥100.00').waitFor();
    await textOn(page, '确认后从助餐卡扣 ¥3.00；取消订餐会退回卡上。').waitFor();
    await checkPage(page, '订餐 (paying by card)');
    const placed = page.waitForResponse(
      (r) => r.url().endsWith('/api/meal-orders') && r.request().method() === 'POST',
    );
    await buttonNamed(page, '确认订餐').click();
    const order = await (await placed).json();
    expect(order.payment).toEqual({ method: 'card', amount: 300, status: 'paid' });
    await textOn(page, '已从助餐卡付 ¥3.00').waitFor();

    const after = await server.api.get(`/api/elders/${mother.id}/card`, { token: sonToken });
    expect(after.body.balance).toBe(9700);
    expect(after.body.entries[0]).toMatchObject({ kind: 'payment', amount: -300, orderId: order.id });
    await expectNoPopups({ page, dialogs });
  } finally {
    await context.close();
  }
});

test('in a plain browser the page explains how to top up instead of offering WeChat Pay', async () => {
  const { context, page } = await sonPage(false);
  try {
    await page.goto(`${server.baseUrl}/`);
    await buttonNamed(page, '我的家人').click();
    await buttonNamed(page, '张桂兰 的助餐卡（充值）').click();
    await textOn(page, '张桂兰 的助餐卡').waitFor();
    await textOn(
      page,
      '这里不能用微信支付。请在微信里打开颐养通充值，或到社区服务站交现金，由工作人员充到卡上。',
    ).waitFor();
    expect(await page.getByRole('button', { name: /微信支付/ }).count()).toBe(0);
    await checkPage(page, '助餐卡 (family, plain browser)');
  } finally {
    await context.close();
  }
});
