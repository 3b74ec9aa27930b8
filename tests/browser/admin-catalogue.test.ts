// Catalogue changes in the built H5 app against the real API: the admin pauses a canteen on
// 食堂设置 and moves a cut-off, and changes a home service's price and withdraws it on 服务项目
// (at a desk, 1366×768, and on a phone); canteen staff change a dish's price and stop selling
// it on 菜品 (phone). Each change is what the API then shows; axe, announced buttons ≥ 48px,
// text ≥ 18px and no horizontal scroll on each state; no pop-ups.
import type { Page } from 'playwright-core';
import {
  buttonNamed,
  checkPage,
  expectNoPopups,
  expectNoSideScroll,
  expectText,
  openPageAt,
  openPhonePage,
  signIn,
  textOn,
  visible,
} from '../harness/browser';
import { ServiceFixtures } from '../api/service-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let f: ServiceFixtures;
let adminToken: string;
let admin: { phone: string; password: string; name: string };
let communityId: string;
let staff: TestUser;
let staffCanteen: { id: string; name: string };

beforeAll(async () => {
  f = new ServiceFixtures(suite.server);
  adminToken = await f.adminToken();
  const me = await suite.server.api.post('/api/auth/login', {
    phone: suite.server.admin.phone,
    password: suite.server.admin.password,
  });
  admin = { ...suite.server.admin, name: me.body.user.name };
  communityId = (await f.community({ name: '关上社区' })).id;
  staffCanteen = await f.canteen(communityId, { name: '世纪城便民食堂' });
  staff = await f.user('canteen_staff', { canteenId: staffCanteen.id, name: '赵红' });
});

const openPage = (viewport: { width: number; height: number }) => openPageAt(suite.browser, viewport);

async function checkAll(page: Page, what: string): Promise<void> {
  await checkPage(page, what);
  await expectNoSideScroll(page, what);
}

const input = (page: Page, label: string) =>
  visible(page.locator(`taro-input-core input[aria-label="${label}"]`));

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  const size = `${viewport.width}×${viewport.height}`;
  test(`admin at ${size}: pauses a canteen and moves a cut-off; changes a service's price and withdraws it`, async () => {
    const canteen = await f.canteen(communityId, { name: `${viewport.width}长者食堂` });
    const item = await f.item({ name: `${viewport.width}上门助浴`, price: 6000 });
    const o = await openPage(viewport);
    const { page } = o;
    try {
      await signIn(page, suite.server.baseUrl, admin);
      await buttonNamed(page, '食堂设置').click();
      await buttonNamed(page, `修改设置 ${canteen.name}`).click();
      await checkAll(page, `食堂设置 ${size}`);
      await buttonNamed(page, '暂停营业').click();
      await textOn(page, '暂停营业：不接受新的订餐').waitFor();
      await input(page, '午餐截止时间').fill('09:30');
      await input(page, '修改原因（记入操作记录）').fill('厨房检修');
      const saved = page.waitForResponse(
        (r) => r.url().endsWith(`/api/canteens/${canteen.id}`) && r.request().method() === 'PATCH',
      );
      await buttonNamed(page, '保存设置').click();
      const res = await saved;
      expect(res.status()).toBe(200);
      expect(JSON.parse(res.request().postData() ?? '{}')).toEqual({
        slots: [
          { slot: 'lunch', cutoff: '09:30', cutoffDayBefore: false },
          { slot: 'dinner', cutoff: '15:30', cutoffDayBefore: false },
        ],
        closed: true,
        reason: '厨房检修',
      });
      await textOn(page, `已保存「${canteen.name}」的设置。`).waitFor();
      const card = visible(page.locator('.card').filter({ hasText: canteen.name }));
      await expectText(card, '暂停营业');
      await expectText(card, '午餐当天 09:30 截止');
      expect((await suite.server.api.get(`/api/canteens/${canteen.id}`)).body).toMatchObject({
        closed: true,
        slots: [{ slot: 'lunch', cutoff: '09:30' }, { slot: 'dinner' }],
      });
      await checkAll(page, `食堂设置 已保存 ${size}`);

      await buttonNamed(page, '返回').click();
      await buttonNamed(page, '服务项目').click();
      await buttonNamed(page, `改价 ${item.name}`).click();
      await input(page, `${item.name} 新价格（元）`).fill('75');
      await checkAll(page, `服务项目 改价 ${size}`);
      await buttonNamed(page, `保存新价格 ${item.name}`).click();
      await textOn(page, `「${item.name}」已改为 ¥75.00/次。`).waitFor();
      await buttonNamed(page, `停用 ${item.name}`).click();
      await textOn(page, `「${item.name}」已停用。`).waitFor();
      await expectText(visible(page.locator('.price-row').filter({ hasText: item.name })), '已停用');
      const items = (
        await suite.server.api.get('/api/service-items?includeRetired=true', { token: adminToken })
      ).body.items;
      expect(items.find((i: any) => i.id === item.id)).toMatchObject({ price: 7500, retired: true });
      await checkAll(page, `服务项目 已停用 ${size}`);
      await expectNoPopups(o);
    } finally {
      await o.close();
    }
  });
}

test('canteen staff on a phone change a dish’s price and stop selling another on 菜品', async () => {
  const fish = await f.dish(staff.token, staffCanteen.id, '清蒸鲈鱼', 900);
  const tofu = await f.dish(staff.token, staffCanteen.id, '麻婆豆腐', 500);
  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, staff);
    await buttonNamed(page, '菜品').click();
    await checkAll(page, '菜品');
    await buttonNamed(page, `改价 ${fish.name}`).click();
    await input(page, `${fish.name} 新价格（元）`).fill('12.345');
    await buttonNamed(page, `保存新价格 ${fish.name}`).click();
    await textOn(page, '请填写金额（元），例如 12 或 12.50').waitFor();
    await input(page, `${fish.name} 新价格（元）`).fill('10.50');
    await buttonNamed(page, `保存新价格 ${fish.name}`).click();
    await textOn(page, `「${fish.name}」已改为 ¥10.50。`).waitFor();
    await buttonNamed(page, `停售 ${tofu.name}`).click();
    await textOn(page, `「${tofu.name}」已停售。`).waitFor();
    await expectText(visible(page.locator('.price-row').filter({ hasText: tofu.name })), '已停售');
    await checkAll(page, '菜品 已停售');
    const all = (await suite.server.api.get(`/api/canteens/${staffCanteen.id}/dishes?includeRetired=true`))
      .body.items;
    expect(all.map((d: any) => [d.name, d.price, d.retired])).toEqual([
      ['清蒸鲈鱼', 1050, false],
      ['麻婆豆腐', 500, true],
    ]);
    // The menu page's dish list no longer offers it.
    await buttonNamed(page, '返回').click();
    await buttonNamed(page, '发布菜单').click();
    await visible(page.locator(`input[aria-label="${fish.name} 份数"]`)).waitFor();
    expect(
      await page.locator(`input[aria-label="${tofu.name} 份数"]`).filter({ visible: true }).count(),
    ).toBe(0);
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});
