// SOS always within reach, in the built H5 app against the real API, on a common small phone
// (360×640) and the usual one (390×844):
// 1. the elder's home: 紧急呼叫 wholly on the first screen, without scrolling, in every state —
//    no orders yet, after an order (「和上次一样」 shows), with unread notices, with the
//    邀请家人 code shown;
// 2. the elder's SOS page: 120 / 110 and the community worker are dial links; a mistaken press
//    is cancelled there (取消呼叫（误按）, one in-page confirmation), and the workers are told;
// 3. the worker desk: the elder's own phone whole with a call button, 「我来处理」, then 处理完毕
//    with an outcome and a note, confirmed once in the page.
import type { Locator, Page } from 'playwright-core';
import { addDays, chinaDate } from '@yiyangtong/shared';
import {
  buttonNamed,
  checkPage,
  expectNoPopups,
  expectText,
  openPhonePage,
  type PhonePage,
  signIn,
  textOn,
  visible,
} from '../harness/browser';
import { BASE, type TestUser } from '../api/fixtures';
import { ServiceFixtures } from '../api/service-fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let f: ServiceFixtures;
let worker: TestUser;
let daughter: TestUser;
let elder: { id: string; sent: Record<string, any> };
let elderUser: TestUser;
let canteen: { id: string };
let dish: { id: string };

const VIEWPORTS = [
  { width: 360, height: 640 },
  { width: 390, height: 844 },
];

beforeAll(async () => {
  f = new ServiceFixtures(suite.server);
  const comm = await f.community({ name: '关上社区' });
  worker = await f.user('worker', { communityId: comm.id, name: '王助老员' });
  elder = await f.elder(worker.token, comm.id, {
    name: '张桂兰',
    birthDate: '1941-06-18',
    gender: 'female',
    groups: [],
    location: BASE,
    emergencyContacts: [{ name: '张伟', phone: '13812345678', relation: '儿子' }],
  });
  elderUser = await f.elderAccount(worker.token, elder.id);
  daughter = await f.family('张丽');
  await f.link(worker.token, elder.id, daughter);
  canteen = await f.canteen(comm.id, { name: '关上长者食堂', location: BASE });
  const staff = await f.user('canteen_staff', { canteenId: canteen.id });
  dish = await f.dish(staff.token, canteen.id, '清蒸鲈鱼', 900);
  const tomorrow = addDays(chinaDate(new Date()), 1);
  await f.putMenu(staff.token, canteen.id, tomorrow, 'lunch', [{ dishId: dish.id, quota: 20 }]);
});

async function open(viewport: { width: number; height: number }, user: TestUser): Promise<PhonePage> {
  const p = await openPhonePage(suite.browser);
  await p.page.setViewportSize(viewport);
  p.page.setDefaultTimeout(15000);
  await signIn(p.page, suite.server.baseUrl, user);
  return p;
}

/** The control's whole box lies within the first screen (no scrolling), and is big enough. */
async function onFirstScreen(page: Page, l: Locator, what: string, scrolledOk = false): Promise<void> {
  await l.waitFor();
  // Taro H5 scrolls an inner element, not the window: add up every ancestor's scroll.
  const scrolled = scrolledOk
    ? 0
    : await l.evaluate((el) => {
        let sum = window.scrollY;
        for (let e: Element | null = el.parentElement; e; e = e.parentElement) sum += e.scrollTop;
        return sum;
      });
  const box = await l.boundingBox();
  const height = page.viewportSize()!.height;
  expect({
    what,
    scrolled,
    top: box!.y >= 0,
    bottom: box!.y + box!.height <= height,
    tall: box!.height >= 48,
  }).toEqual({
    what,
    scrolled: 0,
    top: true,
    bottom: true,
    tall: true,
  });
}

const homeSos = (page: Page) => buttonNamed(page, '紧急呼叫');

test('the elder home: 紧急呼叫 on the first screen in every state, at 360×640 and 390×844', async () => {
  const pages = await Promise.all(VIEWPORTS.map((v) => open(v, elderUser)));
  try {
    const each = async (what: string, ready: (page: Page) => Locator, scrolledOk = false) => {
      for (const p of pages) {
        const size = `${p.page.viewportSize()!.width}×${p.page.viewportSize()!.height}`;
        await ready(p.page).waitFor();
        await onFirstScreen(p.page, homeSos(p.page), `${what} ${size}`, scrolledOk);
        await checkPage(p.page, `elder home: ${what} ${size}`);
        await expectNoPopups(p);
      }
    };
    const reload = async (s: string) => {
      for (const p of pages) {
        await p.page.reload();
        await textOn(p.page, s).waitFor();
      }
    };
    // No order yet.
    await each('no orders', (page) => buttonNamed(page, '订明天午餐'));
    expect(await pages[0].page.getByText('和上次一样', { exact: true }).count()).toBe(0);

    // After an order: 「和上次一样」 appears above the rest.
    await f.placed(elderUser.token, {
      elderId: elder.id,
      canteenId: canteen.id,
      date: addDays(chinaDate(new Date()), 1),
      slot: 'lunch',
      items: [{ dishId: dish.id, qty: 1 }],
    });
    await reload('和上次一样');
    await each('with 和上次一样', (page) => textOn(page, '和上次一样'));

    // Unread notices (the daughter pressed SOS for her mother, then cancelled it).
    const sos = await f.api.post('/api/sos', { elderId: elder.id }, { token: daughter.token });
    await f.api.post(`/api/sos/${sos.body.id}/cancel`, {}, { token: daughter.token });
    const { unread } = (await f.api.get('/api/notifications', { token: elderUser.token })).body;
    expect(unread).toBeGreaterThan(0);
    await reload('和上次一样');
    await each('with unread notices', (page) =>
      visible(page.locator(`[role="button"][aria-label="消息通知，${unread}条未读"]`)),
    );

    // 邀请家人 (scrolled to on the small phone): the code shows large; SOS stays in view.
    for (const p of pages) await buttonNamed(p.page, '邀请家人').click();
    await each('with the invite code', (page) => visible(page.locator('[aria-label="家人邀请码"]')), true);
    const code = (await visible(pages[0].page.locator('.index__invite-code')).innerText()).trim();
    expect(code).toMatch(/^[A-Z0-9]{8}$/);
    // The code works for a family member.
    const son = await f.family('张伟');
    const linked = await f.api.post('/api/family/links', { code }, { token: son.token });
    expect(linked.status).toBe(201);
  } finally {
    await Promise.all(pages.map((p) => p.close()));
  }
});

test.each(VIEWPORTS)(
  'the elder cancels a mistaken SOS on the SOS page; 120 / 110 / the worker are dial links ($width×$height)',
  async (viewport) => {
    const e = await open(viewport, elderUser);
    const page = e.page;
    try {
      await homeSos(page).click();
      await page.waitForURL(/pages\/sos\/sos/);
      for (const [n, label] of [
        ['120', '拨打 120 急救'],
        ['110', '拨打 110 报警'],
      ]) {
        const link = visible(page.locator(`a[href="tel:${n}"]`));
        await link.waitFor();
        expect(await link.getAttribute('aria-label')).toBe(label);
      }
      const raise = visible(page.locator('.care__sos[aria-label="紧急呼叫"]'));
      await raise.click();
      await buttonNamed(page, '确定呼叫').click();
      await textOn(page, '正在呼叫社区').waitFor();
      // Whom to call: the community worker's work phone, as a dial link.
      const call = visible(page.locator(`a[href="tel:${worker.phone}"]`));
      await call.waitFor();
      expect(await call.getAttribute('aria-label')).toBe(`拨打社区助老员王助老员电话 ${worker.phone}`);
      await checkPage(page, `SOS page, open (${viewport.width})`);

      // A mistaken press: cancelled, after one in-page confirmation.
      await buttonNamed(page, '取消呼叫（误按）').click();
      await textOn(page, '确定是误按，要取消这次呼叫吗？').waitFor();
      await checkPage(page, `SOS page, confirming the cancel (${viewport.width})`);
      const [open] = (await f.api.get('/api/sos?status=open', { token: worker.token })).body.items;
      expect(open).toMatchObject({ elderName: '张桂兰' });
      // (an earlier test's cancelled alarm may already say 已取消 below: wait for one more)
      const cancelledBefore = await page.getByText('已取消（误按）', { exact: true }).count();
      await buttonNamed(page, '确定取消呼叫').click();
      await page.getByText('已取消（误按）', { exact: true }).nth(cancelledBefore).waitFor();
      await checkPage(page, `SOS page, cancelled (${viewport.width})`);
      expect((await f.api.get(`/api/sos/${open.id}`, { token: worker.token })).body.status).toBe('cancelled');
      const told = (await f.api.get('/api/notifications', { token: worker.token })).body.items;
      expect(told.some((n: any) => n.kind === 'sos_cancelled' && n.refId === open.id)).toBe(true);
      // Nothing left for the worker to do, and no cancel button on the cancelled one.
      expect((await f.api.get('/api/sos?status=open', { token: worker.token })).body.items).toEqual([]);
      expect(
        await page.getByRole('button', { name: '取消呼叫（误按）' }).filter({ visible: true }).count(),
      ).toBe(0);
      await expectNoPopups(e);
    } finally {
      await e.close();
    }
  },
);

test.each(VIEWPORTS)(
  "the worker calls the elder's own phone, takes the alarm and resolves it with an outcome ($width×$height)",
  async (viewport) => {
    const raised = await f.api.post('/api/sos', { elderId: elder.id }, { token: elderUser.token });
    expect(raised.status).toBe(201);
    const w = await open(viewport, worker);
    const page = w.page;
    try {
      await textOn(page, '上门服务').click();
      const alarm = visible(page.locator('[aria-label="张桂兰的紧急呼叫"]'));
      await alarm.waitFor();
      await expectText(alarm, `长者电话：${elder.sent.phone}`);
      const call = alarm.locator(`a[href="tel:${elder.sent.phone}"]`);
      expect(await call.getAttribute('aria-label')).toBe(`拨打 张桂兰本人 ${elder.sent.phone}`);
      await checkPage(page, `desk, open alarm (${viewport.width})`);
      await buttonNamed(page, '我来处理：张桂兰').click();

      // An outcome must be chosen before 处理完毕; then one in-page confirmation.
      await buttonNamed(page, '请先选择处理结果').waitFor();
      await visible(alarm.locator('[role="button"][aria-label="送医"]')).click();
      await visible(alarm.locator('taro-input-core input[placeholder="处理记录"]')).fill('头晕，已送市一院');
      await checkPage(page, `desk, taken alarm (${viewport.width})`);
      await buttonNamed(page, '处理完毕：张桂兰').click();
      const confirm = visible(page.locator('[aria-label="确认处理结果：张桂兰"]'));
      await expectText(confirm, '处理结果：送医');
      await checkPage(page, `desk, confirming the outcome (${viewport.width})`);
      expect((await f.api.get(`/api/sos/${raised.body.id}`, { token: worker.token })).body.status).toBe(
        'acknowledged',
      );
      await buttonNamed(page, '确认处理完毕：张桂兰').click();
      await alarm.waitFor({ state: 'detached' });
      const done = await f.api.get(`/api/sos/${raised.body.id}`, { token: worker.token });
      expect(done.body).toMatchObject({
        status: 'resolved',
        resolution: { outcome: 'hospital', notes: '头晕，已送市一院', by: { name: '王助老员' } },
      });
      await textOn(page, '现在没有未处理的紧急呼叫或提醒。').waitFor();
      await expectNoPopups(w);
    } finally {
      await w.close();
    }
  },
);
