// The district admin ends a discount rule and changes another in the built H5 app against the
// real API, at a desk (1366×768) and on a phone (390×844): 结束 is confirmed inside the page
// (no pop-up), the rule then says it has ended and the API agrees (validTo today, version 2);
// 编辑 saves a change with its reason as the next version, and 历史版本 lists both versions.
// axe, announced buttons ≥ 48px, text ≥ 18px and no horizontal scroll on each state.
import type { Page } from 'playwright-core';
import { addDays, chinaDate } from '@yiyangtong/shared';
import {
  buttonNamed,
  checkPage,
  expectNoPopups,
  expectNoSideScroll,
  expectText,
  openPageAt,
  signIn,
  textOn,
  visible,
} from '../harness/browser';
import { MealFixtures } from '../api/meal-fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let m: MealFixtures;
let adminToken: string;
let admin: { phone: string; password: string; name: string };
let today: string;

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  today = chinaDate(new Date());
  adminToken = await m.adminToken();
  const me = await suite.server.api.post('/api/auth/login', {
    phone: suite.server.admin.phone,
    password: suite.server.admin.password,
  });
  admin = { ...suite.server.admin, name: me.body.user.name };
});

const openPage = (viewport: { width: number; height: number }) => openPageAt(suite.browser, viewport);

const noSideScroll = expectNoSideScroll;

const ruleCard = (page: Page, name: string) =>
  visible(page.locator('.rules__rule').filter({ has: page.getByText(name, { exact: false }) }));

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  const size = `${viewport.width}×${viewport.height}`;
  test(`admin at ${size} ends a rule and sees it ended; changes another and reads its versions`, async () => {
    const ending = await m.rule({
      name: `${viewport.width}老年助餐补贴`,
      minAge: 60,
      benefit: { type: 'amount_off', value: 200 },
      fundedBy: 'government',
      validFrom: addDays(today, -30),
    });
    const changing = await m.rule({
      name: `${viewport.width}高龄午餐优惠`,
      minAge: 80,
      benefit: { type: 'amount_off', value: 300 },
      fundedBy: 'government',
      validFrom: addDays(today, -30),
    });
    const o = await openPage(viewport);
    const { page } = o;
    try {
      await signIn(page, suite.server.baseUrl, admin);
      await buttonNamed(page, '优惠规则').click();
      const card = ruleCard(page, ending.name);
      await expectText(card, '生效中');
      await checkPage(page, `优惠规则 ${size}`);
      await noSideScroll(page, `优惠规则 ${size}`);

      // 结束: the page says what will happen and asks inside itself; 不结束 leaves it be.
      await buttonNamed(page, `结束 ${ending.name}`).click();
      await expectText(
        card,
        `今天（${today}）是最后一天，${addDays(today, 1)} 起的餐不再享受；已下的单不变。`,
      );
      await checkPage(page, `优惠规则 结束确认 ${size}`);
      await buttonNamed(page, `不结束 ${ending.name}`).click();
      await buttonNamed(page, `结束 ${ending.name}`).waitFor();
      let rules = (await suite.server.api.get('/api/discount-rules', { token: adminToken })).body.items;
      expect(rules.find((r: any) => r.id === ending.id).validTo).toBeUndefined();

      await buttonNamed(page, `结束 ${ending.name}`).click();
      const ended = page.waitForResponse(
        (r) => r.url().endsWith(`/api/discount-rules/${ending.id}`) && r.request().method() === 'PATCH',
      );
      await buttonNamed(page, `确定结束 ${ending.name}`).click();
      expect((await ended).status()).toBe(200);
      await expectText(card, '已结束：今天是最后一天，明天起不再优惠');
      await expectText(card, `至 ${today}`);
      // Ended: no 结束 any more.
      expect(await page.getByRole('button', { name: `结束 ${ending.name}`, exact: true }).count()).toBe(0);
      rules = (await suite.server.api.get('/api/discount-rules', { token: adminToken })).body.items;
      expect(rules.find((r: any) => r.id === ending.id)).toMatchObject({ validTo: today, version: 2 });
      await checkPage(page, `优惠规则 已结束 ${size}`);

      // 编辑: the amount changes with a reason; the rule is then in its 2nd version.
      await buttonNamed(page, `编辑 ${changing.name}`).click();
      const amount = visible(page.locator('taro-input-core input[aria-label="减免金额（元）"]'));
      expect(await amount.inputValue()).toBe('3');
      await amount.fill('5');
      await visible(page.locator('taro-input-core input[aria-label="修改原因（记入操作记录）"]')).fill(
        '区里提高标准',
      );
      await checkPage(page, `优惠规则 修改 ${size}`);
      await noSideScroll(page, `优惠规则 修改 ${size}`);
      const changed = page.waitForResponse(
        (r) => r.url().endsWith(`/api/discount-rules/${changing.id}`) && r.request().method() === 'PATCH',
      );
      await buttonNamed(page, '保存修改').click();
      const res = await changed;
      expect(res.status()).toBe(200);
      // Only what changed was sent, with the reason.
      expect(JSON.parse(res.request().postData() ?? '{}')).toEqual({
        benefit: { type: 'amount_off', value: 500 },
        reason: '区里提高标准',
      });
      await textOn(page, `已保存「${changing.name}」。`).waitFor();
      const changedCard = ruleCard(page, changing.name);
      await expectText(changedCard, '（第 2 版）');
      await expectText(changedCard, '减 ¥5.00');

      await buttonNamed(page, `历史版本 ${changing.name}`).click();
      await expectText(changedCard, '第 2 版（现行）');
      await expectText(changedCard, '原因：区里提高标准');
      await expectText(changedCard, '第 1 版');
      await expectText(changedCard, '减 ¥3.00');
      await checkPage(page, `优惠规则 历史版本 ${size}`);
      await noSideScroll(page, `优惠规则 历史版本 ${size}`);

      const audit = await suite.server.api.get(
        `/api/audit?targetType=discount_rule&targetId=${changing.id}`,
        {
          token: adminToken,
        },
      );
      expect(audit.body.items[0]).toMatchObject({ action: 'discount_rule.update', reason: '区里提高标准' });
      await expectNoPopups(o);
    } finally {
      await o.close();
    }
  });
}
