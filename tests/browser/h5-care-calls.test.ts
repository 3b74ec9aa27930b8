// 主动关怀 in the built H5 app against the real API, on a common small phone (360×640) and the
// usual one (390×844): a worker opens 主动关怀 from home; yesterday's calls not made are on top;
// each elder's whole phone is a 拨打电话 link (tel:); 平安 for one, 未接通 twice for another —
// the second sends an alarm that shows on the worker desk with its reason in words, and the
// family reads it among their notices; an elder suggested for living alone is added to the plan
// for today's weekday and appears among today's calls.
import { chinaDate, isoWeekday } from '@yiyangtong/shared';
import {
  buttonNamed,
  checkPage,
  expectNoPopups,
  expectNoSideScroll,
  expectText,
  openPageAt,
  type PhonePage,
  signIn,
  textOn,
  visible,
} from '../harness/browser';
import { Fixtures, type TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite({ clock: () => new Date(Date.now() + shift) });

const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const VIEWPORTS = [
  { width: 360, height: 640 },
  { width: 390, height: 844 },
];

let f: Fixtures;
/** The server's clock: a day back while the plans are set up, then real time. */
let shift = 0;

beforeAll(async () => {
  f = new Fixtures(suite.server);
});

interface Scene {
  worker: TestUser;
  daughter: TestUser;
  well: { id: string; name: string; phone: string };
  silent: { id: string; name: string; phone: string };
  alone: { id: string; name: string };
}

/** A community whose worker put two elders on daily plans yesterday and made none of the calls. */
async function scene(tag: string): Promise<Scene> {
  const comm = await f.community({ name: `${tag}关上社区` });
  const worker = await f.user('worker', { communityId: comm.id, name: `${tag}王助老员` });
  const elder = async (name: string) => {
    const e = await f.elder(worker.token, comm.id, { name });
    return { id: e.id, name, phone: e.sent.phone as string };
  };
  const well = await elder(`${tag}赵德明`);
  const silent = await elder(`${tag}孙桂英`);
  const alone = await elder(`${tag}李秀兰`);
  const patched = await suite.server.api.patch(
    `/api/elders/${alone.id}`,
    { livesAlone: true },
    { token: worker.token },
  );
  expect(patched.status).toBe(200);
  const silentLogin = await f.elderAccount(worker.token, silent.id);
  const daughter = await f.family(`${tag}孙女士`);
  await f.link(silentLogin.token, silent.id, daughter);
  shift = -24 * 3600_000; // yesterday
  for (const e of [well, silent]) {
    const res = await suite.server.api.post(
      '/api/care-plans',
      { elderId: e.id, weekdays: [1, 2, 3, 4, 5, 6, 7] },
      { token: worker.token },
    );
    expect(res.status).toBe(201);
  }
  shift = 0;
  return { worker, daughter, well, silent, alone };
}

async function open(viewport: { width: number; height: number }, user: TestUser): Promise<PhonePage> {
  const p = await openPageAt(suite.browser, viewport);
  p.page.setDefaultTimeout(15000);
  await signIn(p.page, suite.server.baseUrl, user);
  return p;
}

test.each(VIEWPORTS)(
  'a worker works through the care calls at $width×$height; a second no-answer reaches the desk and the family',
  async (viewport) => {
    const tag = `${viewport.width}`;
    const s = await scene(tag);
    const p = await open(viewport, s.worker);
    const { page } = p;
    try {
      await buttonNamed(page, '主动关怀').click();
      await textOn(page, '昨天漏打（2）').waitFor();
      await expectNoSideScroll(page, `care calls ${tag}`);
      await checkPage(page, `care calls ${tag}`);
      // The whole phone, and a dial link for it.
      await expectText(visible(page.locator('.care__card', { hasText: s.well.name })), s.well.phone);
      const dial = visible(page.locator(`a[href="tel:${s.well.phone}"]`));
      await dial.waitFor();
      expect(await dial.getAttribute('aria-label')).toContain('拨打电话');

      // 平安 for Zhao.
      await buttonNamed(page, `平安：${s.well.name}`).click();
      await textOn(page, '今天已联系：平安').waitFor();

      // 未接通 for Sun, once: nothing sent yet.
      await buttonNamed(page, `未接通：${s.silent.name}`).click();
      await textOn(page, '今天已联系：未接通').waitFor();
      await textOn(page, '请稍后再打；再未接通将发出紧急提醒').waitFor();
      // …and again, from today's list: the alarm goes out.
      await buttonNamed(page, `未接通：${s.silent.name}`).click();
      await visible(page.getByText('已发出紧急提醒', { exact: false })).waitFor();
      await textOn(page, '已转紧急提醒，请看社区工作台').waitFor();
      await expectNoPopups(p);

      // The suggested elder (独居), called on today's weekday only.
      const weekday = WEEKDAYS[isoWeekday(chinaDate(new Date())) - 1];
      await textOn(page, `${s.alone.name}（独居）`).waitFor();
      await buttonNamed(page, '每天 已选').click(); // clears the days
      await buttonNamed(page, weekday).click();
      await buttonNamed(page, `加入关怀计划：${s.alone.name}`).click();
      await textOn(page, '今天待打（1）').waitFor();
      await visible(page.locator(`[aria-label="平安：${s.alone.name}"]`)).waitFor();
      await checkPage(page, `care calls after the calls ${tag}`);

      // The desk: the alarm with its reason in words.
      await page.goto(`${suite.server.baseUrl}/#/packages/worker/desk/desk`);
      const alarm = visible(page.locator('.care__card--alert', { hasText: s.silent.name }));
      await alarm.waitFor();
      await expectText(alarm, '原因：主动关怀：连续两次未接通');
      await checkPage(page, `desk with the care-call alarm ${tag}`);
    } finally {
      await p.close();
    }

    // The family is told.
    const fam = await open(viewport, s.daughter);
    try {
      await buttonNamed(fam.page, '消息通知，1条未读').click();
      await visible(fam.page.getByText('连续两次未接通', { exact: false })).waitFor();
      await checkPage(fam.page, `family notices ${tag}`);
      await expectNoPopups(fam);
    } finally {
      await fam.close();
    }
    // Exactly one alarm, one family notice.
    const open_ = (
      await suite.server.api.get('/api/sos?status=open', { token: s.worker.token })
    ).body.items.filter((a: any) => a.elderId === s.silent.id);
    expect(open_).toHaveLength(1);
    expect(open_[0]).toMatchObject({ source: 'care_call' });
    const notices = (await suite.server.api.get('/api/notifications', { token: s.daughter.token })).body
      .items;
    expect(notices.filter((n: any) => n.refType === 'sos')).toHaveLength(1);
  },
);
