// Browser test of the built H5 app (miniapp/dist-h5) against the real API, served on one
// port by the test harness. Checks the login path and the 适老化 minimums on the way:
// body text ≥ 18px, the 登录 button ≥ 48px tall, errors shown inline (never in a dialog).
import type { Locator } from 'playwright-core';
import { field, openPhonePage, smallestTextSize, visible, type PhonePage } from '../harness/browser';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

async function openLoginPage(): Promise<PhonePage> {
  const { page, dialogs, close } = await openPhonePage(suite.browser);
  await page.goto(`${suite.server.baseUrl}/`);
  await visible(page.getByText('颐养通', { exact: true })).waitFor();
  await visible(page.getByText('去登录', { exact: true })).click();
  await field(page, '请输入手机号').waitFor();
  return { page, dialogs, close };
}

async function fontSizeOf(l: Locator): Promise<number> {
  return l.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
}

test('wrong password shows the server message inline, with no dialog', async () => {
  const { page, dialogs, close } = await openLoginPage();
  try {
    await field(page, '请输入手机号').fill(suite.server.admin.phone);
    await field(page, '请输入密码').fill(`${suite.server.admin.password}-wrong`);
    const responseP = page.waitForResponse((r) => r.url().endsWith('/api/auth/login'));
    await visible(page.getByText('登录', { exact: true })).click();
    const response = await responseP;
    expect(response.status()).toBe(401);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.message).toBeTruthy();

    const shown = visible(page.getByText(body.error.message, { exact: true }));
    await shown.waitFor();
    expect(await fontSizeOf(shown)).toBeGreaterThanOrEqual(18);

    // Still on the login page, no dialog of any kind.
    await field(page, '请输入密码').waitFor();
    expect(dialogs).toEqual([]);
    const popups = page.locator(
      '[role="dialog"], [role="alertdialog"], dialog[open], .taro__modal, .taro__mask, .taro-modal__mask, .taro__toast',
    );
    expect(await popups.filter({ visible: true }).count()).toBe(0);
  } finally {
    await close();
  }
});

test('admin logs in on H5 and is greeted by name; text ≥ 18px, 登录 button ≥ 48px', async () => {
  const { page, dialogs, close } = await openLoginPage();
  try {
    // 适老化 on the login page.
    const label = visible(page.getByText('手机号', { exact: true }));
    expect(await fontSizeOf(label)).toBeGreaterThanOrEqual(18);
    const bodyFont = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
    expect(bodyFont).toBeGreaterThanOrEqual(18);
    const smallest = await smallestTextSize(page);
    expect(smallest.size).toBeGreaterThanOrEqual(18);

    const button = visible(page.getByText('登录', { exact: true }));
    const box = await button.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.height).toBeGreaterThanOrEqual(48);

    await field(page, '请输入手机号').fill(suite.server.admin.phone);
    await field(page, '请输入密码').fill(suite.server.admin.password);
    await button.click();

    const greeting = visible(page.getByText(`您好，${suite.server.admin.name}`, { exact: true }));
    await greeting.waitFor();
    await visible(page.getByText('身份：管理员', { exact: true })).waitFor();
    expect(dialogs).toEqual([]);

    // 适老化 on the home page after login.
    const homeSmallest = await smallestTextSize(page);
    expect(homeSmallest.size).toBeGreaterThanOrEqual(18);
    for (const name of ['订餐', '上门服务', '紧急呼叫']) {
      const b = await visible(page.getByText(name, { exact: true })).boundingBox();
      expect(b!.height).toBeGreaterThanOrEqual(48);
    }
  } finally {
    await close();
  }
});

test('opening 订餐 without signing in asks to sign in, inline, and 去登录 leads to the login form', async () => {
  const { page, dialogs, close } = await openPhonePage(suite.browser);
  try {
    await page.goto(`${suite.server.baseUrl}/#/pages/meal-booking/meal-booking`);
    await visible(page.getByText('请先登录，再订餐。', { exact: true })).waitFor();
    await visible(page.getByText('去登录', { exact: true })).click();
    await field(page, '请输入手机号').waitFor();
    expect(dialogs).toEqual([]);
  } finally {
    await close();
  }
});
