// 服务质量 and 回访 in the built H5 app against the real API: the admin sees the providers
// ranked (best average rating first) with a chart and each provider's figures in words equal
// to the API's, at 1366×768 and on a phone, and sets the sampling share in the page; a worker
// finds the visit rated 2 on the desk's 待回访 with its reason, records the follow-up, and the
// task leaves the list.
import { chinaDate } from '@yiyangtong/shared';
import {
  buttonNamed,
  checkPage,
  expectNoPopups,
  expectNoSideScroll,
  expectPressed,
  expectText,
  openPageAt,
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
let elderUser: TestUser;
let elder: { id: string };
let bath: any;
let lowRated: string;
/** The server's clock: real time, moved to a visit's time for check-in / check-out. */
let shifted: Date | null = null;
const MIN = 60_000;

/** A bath today (China date) at `hourUtc`, carried through to a rating by the elder. */
async function ratedVisit(provider: TestUser, hourUtc: number, lateMin: number, score: number) {
  const scheduled = new Date(`${chinaDate(new Date())}T${String(hourUtc).padStart(2, '0')}:00:00Z`);
  shifted = new Date(scheduled.getTime() - 24 * 60 * MIN);
  const v = await f.visit(elderUser.token, elder.id, bath.id, scheduled.toISOString());
  const post = (path: string, body: object, token: string) => suite.server.api.post(path, body, { token });
  await post(`/api/service-orders/${v.id}/dispatch`, { providerUserId: provider.id }, worker.token);
  await post(`/api/service-orders/${v.id}/accept`, {}, provider.token);
  shifted = new Date(scheduled.getTime() + lateMin * MIN);
  expect(
    (await post(`/api/service-orders/${v.id}/check-in`, { location: BASE }, provider.token)).status,
  ).toBe(200);
  shifted = new Date(scheduled.getTime() + (lateMin + 60) * MIN);
  expect((await post(`/api/service-orders/${v.id}/check-out`, {}, provider.token)).status).toBe(200);
  expect((await post(`/api/service-orders/${v.id}/rating`, { score }, elderUser.token)).status).toBe(200);
  shifted = null;
  return v.id as string;
}

beforeAll(async () => {
  f = new ServiceFixtures(suite.server);
  await suite.server.api.put('/api/follow-ups/settings', { sampleShare: 0 }, { token: await f.adminToken() });
  const comm = await f.community({ name: '关上社区' });
  worker = await f.user('worker', { communityId: comm.id, name: '王助老员' });
  const zhou = await f.user('provider', {
    name: '周强',
    serviceCategories: ['bath'],
    communityIds: [comm.id],
  });
  const sun = await f.user('provider', {
    name: '孙丽',
    serviceCategories: ['bath'],
    communityIds: [comm.id],
  });
  elder = await f.elder(worker.token, comm.id, { name: '张桂兰', location: BASE });
  elderUser = await f.elderAccount(worker.token, elder.id);
  bath = await f.item();
  await ratedVisit(zhou, 1, 5, 5);
  await ratedVisit(zhou, 4, 40, 4);
  lowRated = await ratedVisit(sun, 7, 0, 2);
});

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  test(`admin at ${viewport.width}×${viewport.height}: providers ranked with a chart, figures equal the API's; the sampling share set in the page`, async () => {
    const o = await openPageAt(suite.browser, viewport);
    const { page } = o;
    try {
      await signIn(page, suite.server.baseUrl, { ...suite.server.admin });
      await buttonNamed(page, '服务质量').click();
      await textOn(page, '服务人员排名').waitFor();
      const today = chinaDate(new Date());
      const range = `from=${today.slice(0, 7)}-01&to=${today}`;
      const api = (
        await suite.server.api.get(`/api/reports/providers?${range}`, { token: await f.adminToken() })
      ).body;
      expect(api.items.map((p: any) => p.name)).toEqual(['周强', '孙丽']);
      const lines = page.locator('.chart-numbers__line').filter({ visible: true });
      await expectText(
        lines.first(),
        '第1名 周强：服务 2 次，完成 2 次，准时签到 50%，平均评分 4.5 分（2 条）',
      );
      await expectText(
        lines.nth(1),
        '第2名 孙丽：服务 1 次，完成 1 次，准时签到 100%，平均评分 2.0 分（1 条），2 分及以下差评 1 次',
      );
      const canvas = visible(page.locator('.chart__canvas canvas'));
      await canvas.waitFor();
      const box = await canvas.boundingBox();
      expect(box!.width > 100 && box!.height > 100).toBe(true);

      await textOn(page, '现在：抽查 0% 的已完成服务').waitFor();
      await buttonNamed(page, '20%').click();
      await textOn(page, '已保存：抽查 20% 的已完成服务').waitFor();
      await expectPressed(buttonNamed(page, '20% 已选'), true);
      expect(
        (await suite.server.api.get('/api/follow-ups/settings', { token: worker.token })).body.sampleShare,
      ).toBe(0.2);
      await buttonNamed(page, '0%').click();
      await textOn(page, '已保存：抽查 0% 的已完成服务').waitFor();
      await expectNoSideScroll(page, `quality ${viewport.width}`);
      await checkPage(page, `quality ${viewport.width}`);
      await expectNoPopups(o);
    } finally {
      await o.close();
    }
  });
}

test('a worker finds the low-rated visit on the desk with its reason, records the follow-up, and it leaves the list', async () => {
  const o = await openPageAt(suite.browser, { width: 390, height: 844 });
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, worker);
    await textOn(page, '上门服务').click();
    await textOn(page, '待回访（1）').waitFor();
    const card = visible(page.locator('.care__card').filter({ hasText: '回访原因：评分较低' }));
    await expectText(card, '长者评分 2 分');
    await visible(card.locator('[role="button"][aria-label="不满意"]')).click();
    await visible(card.locator('taro-input-core input[placeholder="回访记录"]')).fill('护理员迟到，水温太低');
    await visible(card.locator('[role="button"][aria-label="记录回访：张桂兰"]')).click();
    await textOn(page, '待回访（0）').waitFor();
    const visit = (await suite.server.api.get(`/api/service-orders/${lowRated}`, { token: worker.token }))
      .body;
    expect(visit).toMatchObject({ status: 'followed_up', followUp: { satisfied: false } });
    expect((await suite.server.api.get('/api/follow-ups', { token: worker.token })).body.items).toEqual([]);
    await checkPage(page, 'desk follow-ups');
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});
