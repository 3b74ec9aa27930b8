// The district office at its desk (1366×768) and on a phone (390×844), in the built H5 app
// against the real API: 账号管理 — find a worker who left, disable them with the question asked
// inside the page (their token is refused at once), reset another's password; 操作日志 — the
// disable shows under 账号 with what changed, and 导出 CSV downloads the same rows. Every state
// passes axe and the 适老化 checks, with no horizontal scroll and no pop-ups.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import {
  buttonNamed,
  checkPage,
  expectNoPopups,
  expectNoSideScroll,
  field,
  openPageAt,
  signIn,
  textOn,
  visible,
} from '../harness/browser';
import { Fixtures, type TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let f: Fixtures;
let communityId: string;

beforeAll(async () => {
  f = new Fixtures(suite.server);
  communityId = (await f.community({ name: '盘龙社区' })).id;
});

const openPage = (viewport: { width: number; height: number }) =>
  openPageAt(suite.browser, viewport, { acceptDownloads: true });

async function expectFits(page: Page, what: string) {
  await expectNoSideScroll(page, what);
  await checkPage(page, what);
}

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  test(`admin at ${viewport.width}×${viewport.height}: disables a worker who left, resets a password, finds both on the audit log and exports it`, async () => {
    const leaver: TestUser = await f.user('worker', { communityId, name: `离职${viewport.width}` });
    const forgetful: TestUser = await f.user('worker', { communityId, name: `忘密码${viewport.width}` });
    const o = await openPage(viewport);
    const { page } = o;
    try {
      await signIn(page, suite.server.baseUrl, suite.server.admin);
      await buttonNamed(page, '账号管理').click();
      await buttonNamed(page, '社区助老员').click();
      await field(page, '姓名，或手机号里的几位数字').fill(leaver.name);
      await buttonNamed(page, '查找').click();
      await textOn(page, leaver.name).waitFor();
      expect(await page.getByText(forgetful.name, { exact: true }).filter({ visible: true }).count()).toBe(0);
      await expectFits(page, `账号管理 ${viewport.width}`);

      await buttonNamed(page, `停用 ${leaver.name}`).click();
      await visible(page.getByText(`停用后 ${leaver.name} 的登录立即失效`, { exact: false })).waitFor();
      await field(page, '例如：已离职').fill('已离职');
      await expectFits(page, `账号管理 停用确认 ${viewport.width}`);
      // Asking is not doing: still working until confirmed.
      expect((await suite.server.api.get('/api/me', { token: leaver.token })).status).toBe(200);
      await buttonNamed(page, `确认停用 ${leaver.name}`).click();
      await textOn(page, `已停用 ${leaver.name}：他的登录已失效`).waitFor();
      await textOn(page, '已停用').waitFor();
      expect((await suite.server.api.get('/api/me', { token: leaver.token })).status).toBe(401);

      await field(page, '姓名，或手机号里的几位数字').fill(forgetful.name);
      await buttonNamed(page, '查找').click();
      await buttonNamed(page, `重置密码 ${forgetful.name}`).click();
      await field(page, '请输入新密码（6 位以上）').fill('Reset#2026');
      await buttonNamed(page, `确认重置 ${forgetful.name} 的密码`).click();
      await textOn(page, `已为 ${forgetful.name} 重置密码，请当面告诉本人新密码`).waitFor();
      expect(
        (await suite.server.api.post('/api/auth/login', { phone: forgetful.phone, password: 'Reset#2026' }))
          .status,
      ).toBe(200);
      await expectFits(page, `账号管理 已重置 ${viewport.width}`);

      await buttonNamed(page, '返回').click();
      await buttonNamed(page, '操作日志').click();
      await buttonNamed(page, '账号').click();
      await buttonNamed(page, '今天').click();
      await visible(
        page.locator('.audit-entry').filter({ hasText: '停用账号' }).filter({ hasText: leaver.id }),
      ).waitFor();
      const disable = visible(
        page.locator('.audit-entry').filter({ hasText: leaver.id }).filter({ hasText: '停用账号' }),
      );
      expect(await disable.innerText()).toContain('停用：否 → 是');
      expect(await disable.innerText()).toContain('原因：已离职');
      await visible(
        page.locator('.audit-entry').filter({ hasText: '重置密码' }).filter({ hasText: forgetful.id }),
      ).waitFor();
      // Only account entries under 账号.
      const kinds = await page.locator('.audit-entry__target').filter({ visible: true }).allTextContents();
      expect(kinds.every((k) => k.startsWith('账号 '))).toBe(true);
      await expectFits(page, `操作日志 ${viewport.width}`);

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        buttonNamed(page, '导出 CSV（Excel 可打开）').click(),
      ]);
      expect(download.suggestedFilename()).toMatch(/^操作日志_.*\.csv$/);
      const csv = fs.readFileSync((await download.path())!, 'utf8');
      expect(csv.startsWith('\ufeff时间,操作人,角色,操作,对象类型,对象编号,变更,原因')).toBe(true);
      expect(csv).toContain(`停用账号,账号,${leaver.id}`);
      expect(csv).not.toContain(leaver.phone);
      await textOn(page, '已导出，请在下载里查看').waitFor();
      await expectNoPopups(o);
    } finally {
      await o.close();
    }
  });
}
