// Cash top-up at the office, at 390×844: the worker types the amount and the page asks, in
// the page (no pop-up), "收到现金 ¥200.00，充到 张桂兰 卡上？" before anything is recorded; the
// fresh entry can be undone (撤销) by the worker who took it, which adds a −¥200.00 entry,
// marks the first 已撤销 and brings the balance back.
import {
  buttonNamed as btn,
  checkPage,
  expectNoPopups,
  field,
  openPhonePage,
  signIn,
  textOn as text,
  visible,
} from '../harness/browser';
import { MealFixtures } from '../api/meal-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let worker: TestUser;
let elder: { id: string };

beforeAll(async () => {
  const m = new MealFixtures(suite.server);
  const community = await m.community({ name: '关上社区' });
  worker = await m.user('worker', { communityId: community.id, name: '王助老员' });
  elder = await m.elder(worker.token, community.id, { name: '张桂兰', groups: [] });
});

test('the amount is confirmed in the page before cash is recorded, and a wrong amount is undone', async () => {
  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, worker);
    await page.goto(`${suite.server.baseUrl}/#/pages/meal-card/meal-card?elderId=${elder.id}`);
    await text(page, '张桂兰 的助餐卡').waitFor();
    const balance = (yuan: string) => visible(page.locator(`.mealcard__balance[aria-label="余额 ${yuan}"]`));
    await balance('¥0.00').waitFor();

    await field(page, '例如 100').fill('200');
    await btn(page, '收到现金，充值').click();
    await text(page, '收到现金 ¥200.00，充到 张桂兰 卡上？').waitFor();
    // Nothing recorded yet.
    expect(
      (await suite.server.api.get(`/api/elders/${elder.id}/card`, { token: worker.token })).body.balance,
    ).toBe(0);
    await checkPage(page, '现金充值 (confirming the amount)');

    await btn(page, '确认充值 ¥200.00').click();
    await balance('¥200.00').waitFor();
    await btn(page, '撤销这笔充值 ¥200.00').waitFor();
    await checkPage(page, '现金充值 (done, 撤销 offered)');

    await btn(page, '撤销这笔充值 ¥200.00').click();
    await text(page, '已撤销 ¥200.00 的充值，请把现金退还。现在余额 ¥0.00。').waitFor();
    await balance('¥0.00').waitFor();
    await text(page, '撤销现金充值').waitFor();
    await text(page, '充值（现金）（已撤销）').waitFor();
    const card = await suite.server.api.get(`/api/elders/${elder.id}/card`, { token: worker.token });
    expect(card.body.balance).toBe(0);
    expect(card.body.entries.map((e: { kind: string; amount: number }) => [e.kind, e.amount]).sort()).toEqual(
      [
        ['adjustment', -20000],
        ['topup', 20000],
      ],
    );
    await checkPage(page, '现金充值 (undone)');
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});
