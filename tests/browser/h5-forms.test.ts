// The forms a week of real use found short, in the built H5 app against the real API, at
// 360×640 and 390×844: a family member registers from the login page (and 忘记密码 says who
// resets a password); a worker registering a 36-year-old must confirm it in the page, and the
// emergency contacts and diet notes typed are stored; a standing order takes two dishes with
// their portions; staff type a dish's portions (37) instead of stepping by 5.
import type { Page } from 'playwright-core';
import { addDays, chinaDate, makeIdCardNo } from '@yiyangtong/shared';
import {
  buttonNamed,
  buttonStarting,
  checkPage,
  expectNoPopups,
  expectPressed,
  expectText,
  field,
  hasValue,
  openPhonePage,
  signIn,
  textOn,
  visible,
  type PhonePage,
} from '../harness/browser';
import { MealFixtures } from '../api/meal-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let m: MealFixtures;
let community: { id: string };
let canteen: { id: string; name: string };
let worker: TestUser;
let staff: TestUser;
let fish: { id: string; name: string };
let tofu: { id: string; name: string };
let adminToken: string;

const VIEWPORTS = [
  { width: 360, height: 640 },
  { width: 390, height: 844 },
];

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  community = await m.community({ name: '关上社区' });
  canteen = await m.canteen(community.id, { name: '关上长者食堂' });
  worker = await m.user('worker', { communityId: community.id, name: '李助老' });
  staff = await m.user('canteen_staff', { canteenId: canteen.id, name: '赵红' });
  fish = await m.dish(staff.token, canteen.id, '清蒸鲈鱼', 900);
  tofu = await m.dish(staff.token, canteen.id, '麻婆豆腐', 500);
  adminToken = await m.adminToken();
});

async function open(viewport: { width: number; height: number }): Promise<PhonePage> {
  const o = await openPhonePage(suite.browser);
  await o.page.setViewportSize(viewport);
  return o;
}

/** The real <input> a <Field> labels (aria-label), visible. */
const input = (page: Page, label: string) => visible(page.locator(`input[aria-label="${label}"]`));

describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
  const n = viewport.width; // keeps each size's people apart

  test('a family member registers from the login page and lands on 我的家人; 忘记密码 says who resets', async () => {
    const o = await open(viewport);
    const { page } = o;
    try {
      await page.goto(`${suite.server.baseUrl}/`);
      await buttonNamed(page, '去登录').click();
      await buttonNamed(page, '忘记密码').click();
      await textOn(page, '· 老人和家属：请联系您所在社区的助老员。').waitFor();
      await textOn(page, '· 工作人员（助老员、食堂、服务人员）：请联系区民政办。').waitFor();
      await checkPage(page, `登录 (忘记密码, ${n})`);

      await buttonNamed(page, '注册（家属）').click();
      await textOn(page, '家属注册').waitFor();
      const phone = `1360000${n}0`.slice(0, 11);
      const name = `王丽${n}`;
      await input(page, '您的姓名').fill(name);
      await input(page, '手机号').fill(phone);
      await input(page, '设置密码').fill('12345');
      await buttonNamed(page, '注册并登录').click();
      await textOn(page, '密码至少 6 位').waitFor();
      await checkPage(page, `注册 (short password, ${n})`);
      await input(page, '设置密码').fill('Family#2026');
      await buttonNamed(page, '注册并登录').click();

      // Signed in as family, on 我的家人 with the next step (bind with an invite code).
      await textOn(page, '我的家人').waitFor();
      await textOn(page, '还没有绑定长者。请用下面的邀请码绑定。').waitFor();
      await checkPage(page, `我的家人 (new family member, ${n})`);
      await buttonNamed(page, '返回').click();
      await textOn(page, `您好，${name}`).waitFor();
      await textOn(page, '身份：家属').waitFor();

      const login = await suite.server.api.post('/api/auth/login', { phone, password: 'Family#2026' });
      expect(login.status).toBe(200);
      expect(login.body.user).toMatchObject({ role: 'family', name });
      await expectNoPopups(o);
    } finally {
      await o.close();
    }
  });

  test('registering a 36-year-old needs a confirmation; emergency contacts and diet notes are saved', async () => {
    const o = await open(viewport);
    const { page } = o;
    try {
      await signIn(page, suite.server.baseUrl, worker);
      await buttonNamed(page, '登记长者').click();
      const year = Number(chinaDate(new Date()).slice(0, 4)) - 36;
      const id = makeIdCardNo('530111', `${year}-01-01`, n === 360 ? 124 : 126); // female
      const name = `陈静${n}`;
      await field(page, '请输入姓名').fill(name);
      await field(page, '请输入身份证号').fill(id);
      await textOn(page, '该老人未满60岁（36岁），确认仍要登记吗？').waitFor();
      await field(page, '请输入住址').fill('关上街道幸福小区2栋301');
      const submit = buttonNamed(page, '登记');
      expect(await submit.getAttribute('aria-disabled')).toBe('true');
      await checkPage(page, `登记长者 (under 60, ${n})`);
      await buttonStarting(page, '已核对身份证号，仍要登记').click();
      await expectPressed(buttonStarting(page, '已核对身份证号，仍要登记'), true);
      expect(await submit.getAttribute('aria-disabled')).toBeNull();

      // Two emergency contacts, three diet notes (two chosen, one typed).
      await buttonNamed(page, '添加紧急联系人').click();
      await input(page, '联系人1 姓名').fill('陈明');
      await input(page, '联系人1 关系').fill('儿子');
      await input(page, '联系人1 手机号').fill('13811112222');
      await buttonNamed(page, '添加紧急联系人').click();
      await input(page, '联系人2 姓名').fill('周芳');
      await input(page, '联系人2 手机号').fill('1381111');
      await buttonStarting(page, '低盐').click();
      await buttonStarting(page, '软食').click();
      await input(page, '其他饮食要求').fill('不吃辣');
      await submit.click();
      await textOn(page, '请输入联系人的11位手机号').waitFor();
      await checkPage(page, `登记长者 (contacts and diet, ${n})`);
      await input(page, '联系人2 手机号').fill('13911113333');
      const created = page.waitForResponse(
        (r) => r.url().endsWith('/api/elders') && r.request().method() === 'POST',
      );
      await submit.click();
      const response = await created;
      expect(response.status()).toBe(201);
      const elderId = ((await response.json()) as { id: string }).id;
      await expectText(visible(page.locator('.ok-box')), `已登记 ${name}`);

      const elder = await suite.server.api.get(`/api/elders/${elderId}`, { token: adminToken });
      expect(elder.body).toMatchObject({
        birthDate: `${year}-01-01`,
        diet: ['低盐', '软食', '不吃辣'],
        emergencyContacts: [
          { name: '陈明', relation: '儿子', phone: '13811112222' },
          { name: '周芳', phone: '13911113333' },
        ],
      });
      await expectNoPopups(o);
    } finally {
      await o.close();
    }
  });

  test('a standing order with two dishes, one of them twice, is read back as set up', async () => {
    const elder = await m.elder(worker.token, community.id, { name: `刘桂芳${n}`, groups: [] });
    const o = await open(viewport);
    const { page } = o;
    try {
      await signIn(page, suite.server.baseUrl, worker);
      await page.goto(`${suite.server.baseUrl}/#/packages/worker/standing/standing?elderId=${elder.id}`);
      await textOn(page, '还没有长期订餐。').waitFor();
      await buttonStarting(page, fish.name).click();
      await buttonStarting(page, tofu.name).click();
      await buttonNamed(page, `多一份 ${tofu.name}`).click();
      await textOn(page, `每周一至周五 午餐 · ${fish.name}、${tofu.name}×2 · 堂食`).waitFor();
      await checkPage(page, `长期订餐 (two dishes, ${n})`);
      await buttonNamed(page, '确认长期订餐').click();
      await textOn(
        page,
        `已设置：每周一至周五 午餐 · ${fish.name}、${tofu.name}×2 · 堂食。从明天起自动订餐。`,
      ).waitFor();
      const saved = await suite.server.api.get(`/api/standing-orders?elderId=${elder.id}`, {
        token: worker.token,
      });
      expect(saved.body.items).toEqual([
        expect.objectContaining({
          items: [
            expect.objectContaining({ dishId: fish.id, qty: 1 }),
            expect.objectContaining({ dishId: tofu.id, qty: 2 }),
          ],
        }),
      ]);
      await expectText(visible(page.locator('.standing__card')), `${fish.name}、${tofu.name}×2`);
      await expectNoPopups(o);
    } finally {
      await o.close();
    }
  });

  test('staff type 37 portions for a dish, publish, and the menu has 37', async () => {
    const o = await open(viewport);
    const { page } = o;
    // Each size publishes its own day: tomorrow, the day after.
    const offset = n === 360 ? 1 : 2;
    const date = addDays(chinaDate(new Date()), offset);
    try {
      await signIn(page, suite.server.baseUrl, staff);
      await buttonNamed(page, '发布菜单').click();
      await buttonStarting(page, offset === 1 ? '明天' : '后天').click();
      await buttonStarting(page, '午餐').click();
      const portions = input(page, `${fish.name} 份数`);
      await hasValue(portions, '0');
      await portions.fill('5000');
      await textOn(page, '请填 0 到 1000 的整数（不上这道菜填 0）').waitFor();
      expect(await buttonNamed(page, '发布菜单').getAttribute('aria-disabled')).toBe('true');
      await checkPage(page, `发布菜单 (too many, ${n})`);
      await portions.fill('37');
      await buttonNamed(page, '发布菜单').click();
      await expectText(visible(page.locator('.menu__done')), '1 道菜，共 37 份');
      const day = await m.menu(canteen.id, date);
      const lunch = day.slots.find((s: { slot: string }) => s.slot === 'lunch');
      expect(lunch.items.map((i: { name: string; quota: number }) => [i.name, i.quota])).toEqual([
        [fish.name, 37],
      ]);
      await hasValue(portions, '37');
      // The steppers still work from the typed number.
      await buttonNamed(page, `加5份 ${fish.name}`).click();
      await hasValue(portions, '42');
      await checkPage(page, `发布菜单 (published, ${n})`);
      await expectNoPopups(o);
    } finally {
      await o.close();
    }
  });
});
