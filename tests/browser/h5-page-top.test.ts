// 返回 at the top of every page (H5), in the built app against the real API: every route of
// app.config.ts, for a role that reaches it, shows a 返回 button on the first screen at
// 360×640 and 390×844 (≥ 48px, announced), and it goes back — one step when the page was
// opened from home, to home when it was opened by its address. The home page has none.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import {
  buttonNamed,
  checkPage,
  expectNoPopups,
  openPhonePage,
  signIn,
  textOn,
  visible,
} from '../harness/browser';
import { MealFixtures } from '../api/meal-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let users: Record<'elder' | 'family' | 'worker' | 'canteen_staff' | 'admin' | 'provider', TestUser>;
let elderId: string;

const VIEWPORTS = [
  { width: 360, height: 640 },
  { width: 390, height: 844 },
];

beforeAll(async () => {
  const m = new MealFixtures(suite.server);
  const community = await m.community({ name: '关上社区' });
  const canteen = await m.canteen(community.id, { name: '关上长者食堂' });
  const worker = await m.user('worker', { communityId: community.id, name: '李助老' });
  const elder = await m.elder(worker.token, community.id, { name: '张桂兰', groups: [] });
  elderId = elder.id;
  const family = await m.family('王女士');
  await m.link(worker.token, elder.id, family);
  const admin = { ...suite.server.admin };
  admin.name = (
    await suite.server.api.post('/api/auth/login', { phone: admin.phone, password: admin.password })
  ).body.user.name;
  users = {
    elder: await m.elderAccount(worker.token, elder.id),
    family,
    worker,
    canteen_staff: await m.user('canteen_staff', { canteenId: canteen.id, name: '赵红' }),
    admin: admin as TestUser,
    provider: await m.user('provider', { providerId: 'p1', name: '刘师傅' }),
  };
});

type Who = keyof typeof users;
/** How each route is reached: tapping a button on home (返回 then goes one step back), or its address. */
type Visit = { route: string; who: Who | 'nobody'; tap?: string; url?: () => string };

const VISITS: Visit[] = [
  { route: 'pages/login/login', who: 'nobody', tap: '去登录' },
  { route: 'pages/meal-booking/meal-booking', who: 'elder', tap: '订明天午餐' },
  { route: 'pages/my-orders/my-orders', who: 'elder', tap: '我的订单' },
  { route: 'pages/standing-orders/standing-orders', who: 'elder', tap: '长期订餐' },
  { route: 'pages/meal-card/meal-card', who: 'elder', tap: '我的助餐卡' },
  { route: 'pages/home-services/home-services', who: 'elder', tap: '上门服务' },
  { route: 'pages/sos/sos', who: 'elder', tap: '紧急呼叫' },
  { route: 'pages/notifications/notifications', who: 'elder', tap: '消息通知' },
  { route: 'packages/family/home/home', who: 'family', tap: '我的家人' },
  { route: 'packages/family/standing/standing', who: 'family', url: () => `?elderId=${elderId}` },
  { route: 'packages/family/buy-package/buy-package', who: 'family', url: () => `?elderId=${elderId}` },
  { route: 'packages/worker/elders/elders', who: 'worker', tap: '长者名册' },
  { route: 'packages/worker/register/register', who: 'worker', tap: '登记长者' },
  { route: 'packages/worker/batch/batch', who: 'worker', tap: '批量订餐' },
  { route: 'packages/worker/desk/desk', who: 'worker', tap: '上门服务' },
  { route: 'packages/worker/care/care', who: 'worker', tap: '主动关怀' },
  { route: 'packages/worker/standing/standing', who: 'worker', url: () => `?elderId=${elderId}` },
  { route: 'packages/worker/elder-edit/elder-edit', who: 'worker', url: () => `?elderId=${elderId}` },
  { route: 'packages/worker/retire/retire', who: 'worker', url: () => `?elderId=${elderId}` },
  { route: 'packages/worker/assess/assess', who: 'worker', url: () => `?elderId=${elderId}` },
  { route: 'packages/worker/packages/packages', who: 'worker', url: () => `?elderId=${elderId}` },
  { route: 'pages/canteen-counter/canteen-counter', who: 'canteen_staff', tap: '食堂柜台' },
  { route: 'packages/staff/menu/menu', who: 'canteen_staff', tap: '发布菜单' },
  { route: 'packages/staff/forecast/forecast', who: 'canteen_staff', tap: '备餐预估' },
  { route: 'packages/staff/dishes/dishes', who: 'canteen_staff', tap: '菜品' },
  { route: 'packages/staff/delivery/delivery', who: 'canteen_staff', tap: '送餐上门' },
  { route: 'packages/admin/rules/rules', who: 'admin', tap: '优惠规则' },
  { route: 'packages/admin/settlement/settlement', who: 'admin', tap: '月度结算' },
  { route: 'packages/admin/figures/figures', who: 'admin', tap: '辖区数据' },
  { route: 'packages/admin/accounts/accounts', who: 'admin', tap: '账号管理' },
  { route: 'packages/admin/audit/audit', who: 'admin', tap: '操作日志' },
  { route: 'packages/admin/canteens/canteens', who: 'admin', tap: '食堂设置' },
  { route: 'packages/admin/services/services', who: 'admin', tap: '服务项目' },
  { route: 'packages/admin/quality/quality', who: 'admin', tap: '服务质量' },
  { route: 'packages/provider/visits/visits', who: 'provider', tap: '上门服务' },
];

/** Every page of app.config.ts but home, read from the file itself (a new page must be listed here). */
function routesOfApp(): string[] {
  const src = readFileSync(path.resolve(__dirname, '../../miniapp/src/app.config.ts'), 'utf8');
  const main = [...src.matchAll(/'(pages\/[^']+)'/g)].map((x) => x[1]);
  const subs = [...src.matchAll(/root: '([^']+)',\s*pages: \[([^\]]*)\]/g)].flatMap((x) =>
    [...x[2].matchAll(/'([^']+)'/g)].map((p) => `${x[1]}/${p[1]}`),
  );
  return [...main, ...subs].filter((r) => r !== 'pages/index/index').sort();
}

test('every page of the app is visited below', () => {
  expect(VISITS.map((v) => v.route).sort()).toEqual(routesOfApp());
});

const back = (page: Page) => buttonNamed(page, '返回');

/** The 返回 button is whole on the first screen, at the top, and a big target. */
async function expectBackOnFirstScreen(page: Page, what: string, height: number): Promise<void> {
  await back(page).waitFor();
  const box = await back(page).boundingBox();
  expect({
    what,
    box: box && box.y >= 0 && box.y + box.height <= Math.min(height, 200) && box.height >= 48,
  }).toEqual({
    what,
    box: true,
  });
}

/** Home is showing (its greeting, or 去登录 when signed out) and has no 返回. */
async function expectHome(page: Page, who: Who | 'nobody'): Promise<void> {
  await textOn(page, who === 'nobody' ? '去登录' : `您好，${users[who].name}`).waitFor();
  for (let i = 0; i < 50; i++) {
    if (
      (await page.getByRole('button', { name: '返回', exact: true }).filter({ visible: true }).count()) === 0
    )
      return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('home shows a 返回 button');
}

describe.each(VIEWPORTS)('at $width×$height', (viewport) => {
  test.each(['nobody', 'elder', 'family', 'worker', 'canteen_staff', 'admin', 'provider'] as const)(
    'as %s: each page has 返回 on its first screen, and it goes back',
    async (who) => {
      const o = await openPhonePage(suite.browser);
      const { page } = o;
      await page.setViewportSize(viewport);
      try {
        if (who === 'nobody') await page.goto(`${suite.server.baseUrl}/`);
        else await signIn(page, suite.server.baseUrl, users[who]);
        await expectHome(page, who);
        for (const v of VISITS.filter((x) => x.who === who)) {
          const what = `${v.route} (${who}, ${viewport.width}×${viewport.height})`;
          if (v.tap) {
            await buttonNamed(page, v.tap).click();
          } else {
            await page.goto(`${suite.server.baseUrl}/#/${v.route}${v.url!()}`);
          }
          await expectBackOnFirstScreen(page, what, viewport.height);
          expect(page.url()).toContain(v.route);
          await visible(page.locator('.title')).waitFor();
          await checkPage(page, what);
          await back(page).click();
          // From home: one step back to home. Opened by its address (no history): to home as well.
          await expectHome(page, who);
          expect(page.url()).not.toContain(v.route);
        }
        await expectNoPopups(o);
      } finally {
        await o.close();
      }
    },
  );
});
