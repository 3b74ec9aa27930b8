// Visits checked before they are billed, in the built H5 app against the real API, at
// 390×844 and at 360×640:
// 1. an elder books a bath and sees the result where they are looking (no scrolling), then
//    cancels it from 我的服务 with an in-page confirmation;
// 2. a provider sees the elder's phone (tel: call button) and gives a dispatched visit back
//    with a reason, confirmed in the card;
// 3. a provider checking in two days early is refused in the server's words;
// 4. a worker dispatches from the desk (fitting provider first, the rest behind
//    「更多服务人员」, confirmation in the card, 「已派单给 周强」), the visit is closed after
//    a few minutes, goes to 待审核, and the worker approves it on the desk.
import type { Page } from 'playwright-core';
import { addDays, chinaDate } from '@yiyangtong/shared';
import {
  buttonNamed,
  checkPage,
  expectNoPopups,
  expectText,
  field,
  openPhonePage,
  type PhonePage,
  signIn,
  textOn,
  visible,
} from '../harness/browser';
import { BASE, type TestUser } from '../api/fixtures';
import { ServiceFixtures } from '../api/service-fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite({ clock: () => shifted ?? new Date() });

let f: ServiceFixtures;
let worker: TestUser;
let bather: TestUser;
let bath: any;
let commId: string;
/** The server's clock: real time unless a test moves it. */
let shifted: Date | null = null;

beforeAll(async () => {
  f = new ServiceFixtures(suite.server);
  const comm = await f.community({ name: '关上社区' });
  commId = comm.id;
  worker = await f.user('worker', { communityId: comm.id, name: '王助老员' });
  bather = await f.user('provider', {
    name: '周强',
    serviceCategories: ['bath', 'clean'],
    communityIds: [comm.id],
  });
  await f.user('provider', { name: '孙丽', serviceCategories: ['rehab'], communityIds: [comm.id] });
  bath = await f.item();
});

const post = (path: string, body: unknown, token: string) => f.api.post(path, body, { token });

async function open(user: TestUser, size: { width: number; height: number }): Promise<PhonePage> {
  const p = await openPhonePage(suite.browser);
  await p.page.setViewportSize(size);
  p.page.setDefaultTimeout(15000);
  await signIn(p.page, suite.server.baseUrl, user);
  return p;
}

/** Whether the element's box lies inside the viewport (what the person sees without scrolling). */
async function inView(page: Page, selector: string): Promise<boolean> {
  for (let i = 0; i < 30; i++) {
    const ok = await page.evaluate((sel) => {
      const el = Array.from(document.querySelectorAll(sel)).find(
        (e) => (e as HTMLElement).offsetParent !== null,
      );
      if (!el) return false;
      const r = el.getBoundingClientRect();
      return r.top >= 0 && r.top < window.innerHeight - 40;
    }, selector);
    if (ok) return true;
    await page.waitForTimeout(100);
  }
  return false;
}

describe.each([
  { width: 390, height: 844, elderName: '张桂兰' },
  { width: 360, height: 640, elderName: '李秀英' },
])('at $width×$height', ({ width, height, elderName }) => {
  const size = { width, height };
  let elder: { id: string };
  let elderUser: TestUser;

  beforeAll(async () => {
    elder = await f.elder(worker.token, commId, {
      name: elderName,
      birthDate: '1950-06-18',
      groups: [],
      location: BASE,
      diet: ['低糖'],
    });
    elderUser = await f.elderAccount(worker.token, elder.id);
  });

  test('the elder sees the booking result without scrolling, then cancels it in the page', async () => {
    const e = await open(elderUser, size);
    try {
      await textOn(e.page, '上门服务').click();
      await textOn(e.page, '预约服务').waitFor();
      await buttonNamed(e.page, '上门助浴 ¥60.00/次').click();
      const [, m, d] = addDays(chinaDate(new Date()), 1).split('-').map(Number);
      await visible(e.page.locator('[role="button"]').filter({ hasText: `${m}月${d}日` })).click();
      await buttonNamed(e.page, '上午 9:00–11:00').click();
      const confirm = buttonNamed(e.page, '确认预约，应付¥60.00');
      await confirm.scrollIntoViewIfNeeded();
      await confirm.click();
      await textOn(e.page, '预约成功：上门助浴').waitFor();
      expect(await inView(e.page, '[aria-label="预约成功"]')).toBe(true);
      await checkPage(e.page, 'booking result');

      const card = visible(e.page.locator('[aria-label="上门助浴 待派单"]'));
      await card.locator('[role="button"][aria-label="取消预约：上门助浴"]').click();
      await textOn(e.page, '不取消').waitFor();
      await checkPage(e.page, 'cancel confirmation');
      // Nothing is cancelled until confirmed.
      const before = (await f.api.get('/api/service-orders', { token: elderUser.token })).body.items;
      expect(before.map((v: any) => v.status)).toEqual(['requested']);
      await buttonNamed(e.page, '确定取消：上门助浴').click();
      await visible(e.page.locator('[aria-label="上门助浴 已取消"]')).waitFor();
      const after = (await f.api.get('/api/service-orders', { token: elderUser.token })).body.items;
      expect(after.map((v: any) => v.status)).toEqual(['cancelled']);
      await expectNoPopups(e);
    } finally {
      await e.close();
    }
  });

  test('a provider calls the elder from the card and declines the visit with a reason', async () => {
    const day = addDays(chinaDate(new Date()), 3);
    const v = await f.visit(elderUser.token, elder.id, bath.id, `${day}T01:00:00Z`, { notes: '怕冷' });
    await post(`/api/service-orders/${v.id}/dispatch`, { providerUserId: bather.id }, worker.token);
    const p = await open(bather, size);
    try {
      await textOn(p.page, '上门服务').click();
      const card = visible(p.page.locator(`[aria-label="${elderName} 上门助浴"]`));
      await card.waitFor();
      await expectText(card, '长者留言：怕冷');
      await expectText(card, '饮食/健康：低糖');
      const phone = (await f.api.get(`/api/service-orders/${v.id}`, { token: bather.token })).body.elderPhone;
      expect(await card.locator(`a[href="tel:${phone}"]`).count()).toBe(1);
      await card.locator(`[role="button"][aria-label="退回：${elderName}"]`).click();
      await field(p.page, '退回原因').fill('那天腰伤，不能助浴');
      await checkPage(p.page, 'decline confirmation');
      await buttonNamed(p.page, `确认退回：${elderName}`).click();
      await card.waitFor({ state: 'detached' });
      const back = await f.api.get(`/api/service-orders/${v.id}`, { token: worker.token });
      expect(back.body.status).toBe('requested');
      expect(back.body.timeline.at(-1)).toMatchObject({ action: 'decline', note: '那天腰伤，不能助浴' });
      await expectNoPopups(p);
    } finally {
      await p.close();
    }
  });

  test('a check-in two days early is refused with the server words', async () => {
    const day = addDays(chinaDate(new Date()), 2);
    const v = await f.visit(elderUser.token, elder.id, bath.id, `${day}T01:00:00Z`);
    await post(`/api/service-orders/${v.id}/dispatch`, { providerUserId: bather.id }, worker.token);
    await post(`/api/service-orders/${v.id}/accept`, {}, bather.token);
    const p = await open(bather, size);
    try {
      await textOn(p.page, '上门服务').click();
      const card = visible(p.page.locator(`[aria-label="${elderName} 上门助浴"]`));
      await card.locator(`[role="button"][aria-label="到达签到：${elderName}"]`).click();
      await expectText(card.locator('.error-box'), '还没到服务时间');
      await checkPage(p.page, 'check-in refused');
      expect((await f.api.get(`/api/service-orders/${v.id}`, { token: bather.token })).body.status).toBe(
        'accepted',
      );
      await expectNoPopups(p);
    } finally {
      await p.close();
    }
  });

  test('the worker dispatches to the fitting provider, then approves a too-short visit on the desk', async () => {
    const at = new Date(Date.now() + 3600_000);
    const v = await f.visit(elderUser.token, elder.id, bath.id, at.toISOString());
    // The card's words: 'YYYY-MM-DD HH:mm' China time.
    const when = new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
    const w = await open(worker, size);
    try {
      await textOn(w.page, '上门服务').click();
      const card = visible(w.page.locator(`[aria-label="${elderName} 上门助浴 ${when} 待派单"]`));
      await card.waitFor();
      // The 康复护理员 is not offered for a bath until 「更多服务人员」.
      await card.locator('[role="button"][aria-label="派给周强（当天已有0单）"]').waitFor();
      expect(await card.locator('[role="button"][aria-label^="派给孙丽"]').count()).toBe(0);
      await card.locator('[role="button"][aria-label="更多服务人员"]').click();
      await card.locator('[role="button"][aria-label^="派给孙丽"]').waitFor();
      await card.locator('[role="button"][aria-label="派给周强（当天已有0单）"]').click();
      await card.locator('[role="button"][aria-label="确认派给周强"]').waitFor();
      await checkPage(w.page, 'dispatch confirmation');
      await card.locator('[role="button"][aria-label="确认派给周强"]').click();
      await visible(w.page.locator('.ok-box').filter({ hasText: '已派单给 周强' })).waitFor();
      expect(
        (await f.api.get(`/api/service-orders/${v.id}`, { token: worker.token })).body.provider.name,
      ).toBe('周强');

      // Served for 5 minutes of a 60-minute bath: held for review.
      await post(`/api/service-orders/${v.id}/accept`, {}, bather.token);
      shifted = at;
      await post(`/api/service-orders/${v.id}/check-in`, {}, bather.token);
      shifted = new Date(at.getTime() + 5 * 60_000);
      const co = await post(`/api/service-orders/${v.id}/check-out`, {}, bather.token);
      shifted = null;
      expect(co.body.review.state).toBe('pending');

      const review = visible(w.page.locator(`[aria-label="${elderName} 上门助浴 ${when} 待审核"]`));
      await review.waitFor({ timeout: 15000 });
      await expectText(review, '服务用时 5 分钟');
      await checkPage(w.page, 'review queue');
      await review.locator(`[role="button"][aria-label="审核通过：${elderName}"]`).click();
      await visible(w.page.locator('.ok-box').filter({ hasText: '已审核通过' })).waitFor();
      const done = await f.api.get(`/api/service-orders/${v.id}`, { token: worker.token });
      expect(done.body).toMatchObject({
        billable: true,
        review: { state: 'approved', by: { name: '王助老员' } },
      });
      await expectNoPopups(w);
    } finally {
      shifted = null;
      await w.close();
    }
  });
});
