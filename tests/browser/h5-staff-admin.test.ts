// Canteen staff and the district admin in the built H5 app against the real API.
// Staff: publish tomorrow's lunch by copying today's in one tap, change portions, and see
// the server refuse fewer portions than are booked, in words. Admin: the rules list and the
// editor (mistakes shown inline in words, then saved), the month's settlement for a canteen
// as the API sums it, choosing the canteen at the counter, and the figures page. axe on each.
import type { Page } from 'playwright-core';
import { addDays, chinaDate } from '@yiyangtong/shared';
import {
  expectNoPopups,
  expectText,
  field,
  hasValue,
  openPhonePage,
  visible,
  buttonNamed,
  buttonStarting,
  checkPage,
  signIn,
  textOn,
} from '../harness/browser';
import { MealFixtures } from '../api/meal-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let m: MealFixtures;
let canteen: { id: string; name: string };
let staff: TestUser;
let worker: TestUser;
let elder: { id: string };
let fish: { id: string; name: string };
let tofu: { id: string; name: string };
let today: string;
let tomorrow: string;

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  const community = await m.community({ name: '关上社区' });
  canteen = await m.canteen(community.id, { name: '关上长者食堂' });
  staff = await m.user('canteen_staff', { canteenId: canteen.id, name: '赵红' });
  worker = await m.user('worker', { communityId: community.id });
  elder = await m.elder(worker.token, community.id, { name: '张桂兰', birthDate: '1940-01-01', groups: [] });
  today = chinaDate(new Date());
  tomorrow = addDays(today, 1);
  fish = await m.dish(staff.token, canteen.id, '清蒸鲈鱼', 900);
  tofu = await m.dish(staff.token, canteen.id, '麻婆豆腐', 500);
  await m.dish(staff.token, canteen.id, '米饭', 100);
  await m.putMenu(staff.token, canteen.id, today, 'lunch', [
    { dishId: fish.id, quota: 10 },
    { dishId: tofu.id, quota: 15 },
  ]);
});

const text = textOn;
const btn = buttonNamed;
const btnStarting = buttonStarting;
// A dish's portions are typed in a field (its <input> is labelled 「清蒸鲈鱼 份数」).
const portionsOf = (page: Page, name: string) => visible(page.locator(`input[aria-label="${name} 份数"]`));

test('staff copy today’s lunch to tomorrow in one tap, add portions, and cannot go below what is booked', async () => {
  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, staff);
    await checkPage(page, 'home (canteen staff)');
    await btn(page, '发布菜单').click();
    await btnStarting(page, '明天').click();
    await btnStarting(page, '午餐').click();
    await hasValue(portionsOf(page, fish.name), '0');
    await checkPage(page, '发布菜单');

    await btn(page, '复制昨天的菜单').click();
    await text(page, '已复制昨天的午餐：2 道菜。核对后点「发布菜单」。').waitFor();
    await hasValue(portionsOf(page, fish.name), '10');
    await hasValue(portionsOf(page, tofu.name), '15');
    await btn(page, `加5份 ${fish.name}`).click();
    await hasValue(portionsOf(page, fish.name), '15');
    await btn(page, '发布菜单').click();
    await expectText(visible(page.locator('.menu__done')), '2 道菜，共 30 份');
    const day = await m.menu(canteen.id, tomorrow);
    const lunch = day.slots.find((s: { slot: string }) => s.slot === 'lunch');
    expect(lunch.items.map((i: { name: string; quota: number }) => [i.name, i.quota])).toEqual([
      [fish.name, 15],
      [tofu.name, 15],
    ]);

    // Someone books 2 fish; staff then try to cut fish to 0 portions.
    const booked = await m.order(worker.token, {
      elderId: elder.id,
      canteenId: canteen.id,
      date: tomorrow,
      slot: 'lunch',
      items: [{ dishId: fish.id, qty: 2 }],
    });
    expect(booked.status).toBe(201);
    await btn(page, `减5份 ${fish.name}`).click();
    await btn(page, `减5份 ${fish.name}`).click();
    await btn(page, `减5份 ${fish.name}`).click();
    await hasValue(portionsOf(page, fish.name), '0');
    await btn(page, '发布菜单').click();
    await expectText(visible(page.locator('.error-box')), '已有人订，不能从菜单移除');
    expect(await m.remaining(canteen.id, tomorrow, 'lunch', fish.id)).toBe(13);
    await checkPage(page, '发布菜单 (refused)');
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});

test('admin: rules editor says what is wrong in words, saves; settlement and counter per canteen', async () => {
  const admin = { ...suite.server.admin };
  const me = await suite.server.api.post('/api/auth/login', { phone: admin.phone, password: admin.password });
  expect(me.status).toBe(200);
  admin.name = me.body.user.name;
  await m.rule({
    name: '80岁以上助餐优惠',
    minAge: 80,
    benefit: { type: 'amount_off', value: 300 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom: addDays(today, -40),
  });
  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, admin);
    await checkPage(page, 'home (admin)');
    await btn(page, '优惠规则').click();
    const existing = visible(page.locator('.rules__rule').filter({ hasText: '80岁以上助餐优惠' }));
    await expectText(existing, '80岁以上：减 ¥3.00（政府补贴）');
    await checkPage(page, '优惠规则');

    await btn(page, '新增规则').click();
    await btn(page, '保存规则').click();
    await text(page, '请给规则起个名字，例如「80岁以上午餐优惠」').waitFor();
    await text(page, '请填写金额（元），例如 2 或 2.50').waitFor();
    await field(page, '请输入规则名称').fill('90岁以上半价');
    await field(page, '不限').first().fill('90');
    await page.locator('taro-input-core input[aria-label="最高年龄"]').filter({ visible: true }).fill('85');
    await btnStarting(page, '按比例减免').click();
    await page
      .locator('taro-input-core input[aria-label="减免比例（%）"]')
      .filter({ visible: true })
      .fill('150');
    await btn(page, '保存规则').click();
    await text(page, '最高年龄不能小于最低年龄').waitFor();
    await text(page, '减免比例应为 1 到 100 的整数').waitFor();
    await checkPage(page, '优惠规则 (editor with mistakes)');
    await page.locator('taro-input-core input[aria-label="最高年龄"]').filter({ visible: true }).fill('');
    await page
      .locator('taro-input-core input[aria-label="减免比例（%）"]')
      .filter({ visible: true })
      .fill('50');
    const saved = page.waitForResponse(
      (r) => r.url().endsWith('/api/discount-rules') && r.request().method() === 'POST',
    );
    await btn(page, '保存规则').click();
    expect((await saved).status()).toBe(201);
    await text(page, '已保存「90岁以上半价」。').waitFor();
    await expectText(
      visible(page.locator('.rules__rule').filter({ hasText: '90岁以上半价' })),
      '90岁以上：减 50%（政府补贴）',
    );
    const rules = await suite.server.api.get('/api/discount-rules', { token: me.body.token });
    expect(rules.body.items.find((r: { name: string }) => r.name === '90岁以上半价')).toMatchObject({
      minAge: 90,
      benefit: { type: 'percent_off', value: 50 },
      fundedBy: 'government',
    });

    // Settlement for this month: an order with the 80+ discount, summed by the API.
    await m.putMenu(staff.token, canteen.id, tomorrow, 'dinner', [{ dishId: tofu.id, quota: 5 }]);
    const placed = await m.order(worker.token, {
      elderId: elder.id,
      canteenId: canteen.id,
      date: tomorrow,
      slot: 'dinner',
      items: [{ dishId: tofu.id, qty: 1 }],
    });
    expect(placed.status).toBe(201);
    const month = tomorrow.slice(0, 7);
    const api = await suite.server.api.get(`/api/reports/settlement?canteenId=${canteen.id}&month=${month}`, {
      token: me.body.token,
    });
    await btn(page, '返回首页').click();
    await btn(page, '月度结算').click();
    await btnStarting(page, canteen.name).click();
    const gov = api.body.funders.find((f: { fundedBy: string }) => f.fundedBy === 'government');
    if (month === today.slice(0, 7)) {
      await expectText(visible(page.locator('.settlement__orders')), `${api.body.orders} 单`);
      await expectText(
        visible(page.locator('.settlement__funder')),
        `${gov.count} 笔 ¥${(gov.amount / 100).toFixed(2)}`,
      );
      await expectText(
        visible(page.locator('.settlement__rule').filter({ hasText: '80岁以上助餐优惠' })),
        '¥3.00',
      );
    }
    await checkPage(page, '月度结算');

    // The counter: an admin chooses the canteen first.
    await btn(page, '返回首页').click();
    await btn(page, '食堂柜台').click();
    await text(page, '请选择食堂：').waitFor();
    await checkPage(page, '食堂柜台 (admin chooses)');
    await btnStarting(page, canteen.name).click();
    await btnStarting(page, '今天').waitFor();
    await checkPage(page, '食堂柜台 (admin, chosen)');

    // 辖区数据 calls GET /api/reports/summary (built on the services branch); whatever it
    // answers, the page says it in words and passes axe.
    await btn(page, '返回首页').click();
    await btn(page, '辖区数据').click();
    await text(page, '近30天').waitFor();
    await page
      .locator('.state--loading')
      .filter({ visible: true })
      .waitFor({ state: 'detached' })
      .catch(() => undefined);
    await checkPage(page, '辖区数据');
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});
