// A community worker keeps an elder's record true, in the built H5 app at phone size against
// the real API: corrects an elder's address, phone and groups on 修改资料 (one 保存), then
// retires another elder on 退出服务 — the page first says in words what will happen (the
// meal to cancel, the standing order to stop, the card balance to pay out to the family),
// nothing happens until the one confirm button, and afterwards it says what was done. The
// admin, on a PC screen (1366×768), moves an elder to another community and reinstates the
// elder retired above.
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { addDays, chinaDate } from '@yiyangtong/shared';
import {
  buttonNamed,
  buttonStarting,
  checkPage,
  expectNoPopups,
  expectNoSideScroll,
  expectPressed,
  expectText,
  field,
  openPhonePage,
  signIn,
  textOn,
  visible,
} from '../harness/browser';
import { MealFixtures } from '../api/meal-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let m: MealFixtures;
let worker: TestUser;
let admin: string;
let wu: { id: string };
let zhou: { id: string };
let upcoming: { id: string };
let otherCommunity: { id: string; name: string };

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  admin = await m.adminToken();
  const community = await m.community({ name: '关上社区' });
  otherCommunity = await m.community({ name: '太和社区' });
  const canteen = await m.canteen(community.id, { name: '关上长者食堂' });
  const staff = await m.user('canteen_staff', { canteenId: canteen.id });
  worker = await m.user('worker', { communityId: community.id, name: '李敏' });
  wu = await m.elder(worker.token, community.id, { name: '吴建国', groups: [] });
  zhou = await m.elder(worker.token, community.id, { name: '周桂兰', gender: 'female', groups: [] });
  const day = addDays(chinaDate(new Date()), 3);
  const dish = await m.dish(staff.token, canteen.id, '番茄炒蛋', 600);
  await m.putMenu(staff.token, canteen.id, day, 'lunch', [{ dishId: dish.id, quota: 5 }]);
  const topup = await suite.server.api.post(
    `/api/elders/${zhou.id}/card/topups`,
    { amount: 600, method: 'cash' },
    { token: worker.token, headers: { 'idempotency-key': randomUUID() } },
  );
  expect(topup.status).toBe(201);
  upcoming = await m.placed(worker.token, {
    elderId: zhou.id,
    canteenId: canteen.id,
    date: day,
    slot: 'lunch',
    items: [{ dishId: dish.id, qty: 1 }],
    payment: 'card',
  });
  const more = await suite.server.api.post(
    `/api/elders/${zhou.id}/card/topups`,
    { amount: 1200, method: 'cash' },
    { token: worker.token, headers: { 'idempotency-key': randomUUID() } },
  );
  expect(more.status).toBe(201);
  const standing = await suite.server.api.post(
    '/api/standing-orders',
    {
      elderId: zhou.id,
      canteenId: canteen.id,
      slot: 'lunch',
      weekdays: [1, 2, 3, 4, 5],
      items: [{ dishId: dish.id, qty: 1 }],
      fulfilment: 'dine_in',
    },
    { token: worker.token },
  );
  expect(standing.status).toBe(201);
}, 120_000);

const btn = buttonNamed;
const card = (page: Page, name: string) =>
  visible(page.locator('.elders__card').filter({ has: page.getByText(name, { exact: true }) }));
const elderAsAdmin = async (id: string) =>
  (await suite.server.api.get(`/api/elders/${id}`, { token: admin })).body;

test('a worker corrects an elder on 修改资料 with one 保存', async () => {
  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, worker);
    await btn(page, '长者名册').click();
    await card(page, '吴建国').getByRole('button', { name: '修改资料 吴建国' }).click();
    await textOn(page, '修改资料：吴建国').waitFor();
    await checkPage(page, '修改资料');
    await field(page, '请输入住址').fill('官渡区太和街道和谐小区1栋201');
    await field(page, '请输入新手机号（不改就不填）').fill('13700001111');
    const dibao = buttonStarting(page, '低保');
    await dibao.click();
    await expectPressed(dibao, true);
    await field(page, '如：低盐、软食').fill('低盐、软食');
    const saved = page.waitForResponse(
      (r) => r.url().includes(`/api/elders/${wu.id}`) && r.request().method() === 'PATCH',
    );
    await btn(page, '保存 吴建国 的资料').click();
    expect((await saved).status()).toBe(200);
    await expectText(visible(page.locator('.ok-box')), '已保存 吴建国 的资料');
    // The page shows the new phone masked, as the worker may see it.
    await textOn(page, '现在登记的是 137****1111').waitFor();
    await checkPage(page, '修改资料 (saved)');
    expect(await elderAsAdmin(wu.id)).toMatchObject({
      address: '官渡区太和街道和谐小区1栋201',
      phone: '13700001111',
      groups: ['dibao'],
      diet: ['低盐', '软食'],
    });
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});

test('a worker retires an elder on 退出服务, reading what will happen before the one confirm button', async () => {
  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, worker);
    await btn(page, '长者名册').click();
    await card(page, '周桂兰').getByRole('button', { name: '退出服务 周桂兰' }).click();
    await textOn(page, '退出服务：周桂兰').waitFor();
    // The summary first, in words, from the server's preview: ¥12.00 now + ¥6.00 refunded.
    const summary = visible(page.locator('.retire__summary'));
    await expectText(summary, '1 份未到截止的餐将取消');
    await expectText(summary, '长期订餐停止');
    await expectText(summary, '助餐卡余额 ¥18.00 退给家属');
    await checkPage(page, '退出服务 (summary)');
    // No reason chosen: the page says so, and nothing has happened.
    await btn(page, '确认退出服务 周桂兰').click();
    await textOn(page, '请选择退出原因').waitFor();
    expect((await elderAsAdmin(zhou.id)).status).toBe('active');
    // The payout choice changes the words.
    await buttonStarting(page, '现金退给本人').click();
    await expectText(summary, '助餐卡余额 ¥18.00 现金退给本人');
    await buttonStarting(page, '退给家属').click();
    await expectText(summary, '助餐卡余额 ¥18.00 退给家属');
    await buttonStarting(page, '迁出本区').click();
    await field(page, '如：随女儿迁往外地').fill('随女儿迁往昆明西山区');
    const done = page.waitForResponse((r) => r.url().endsWith(`/api/elders/${zhou.id}/retire`));
    await btn(page, '确认退出服务 周桂兰').click();
    expect((await done).status()).toBe(200);
    const result = visible(page.locator('.ok-box'));
    await expectText(result, '已办理 周桂兰 退出服务（迁出本区');
    await expectText(result, '取消了 1 份餐');
    await expectText(result, '停止了 1 个长期订餐');
    await expectText(result, '助餐卡余额 ¥18.00 已记为退给家属，余额为 0');
    await checkPage(page, '退出服务 (done)');
    await expectNoPopups(o);

    // What the words said is what happened.
    expect(await elderAsAdmin(zhou.id)).toMatchObject({
      status: 'retired',
      retirement: { reason: 'moved_away', notes: '随女儿迁往昆明西山区', payoutMethod: 'family' },
    });
    const order = await suite.server.api.get(`/api/meal-orders/${upcoming.id}`, { token: worker.token });
    expect(order.body.status).toBe('cancelled');
    const cardNow = await suite.server.api.get(`/api/elders/${zhou.id}/card`, { token: worker.token });
    expect(cardNow.body.balance).toBe(0);

    // Off the list; on the list of those who left.
    await btn(page, '回到长者名册').click();
    await card(page, '吴建国').waitFor();
    expect(await page.locator('.elders__card').filter({ visible: true, hasText: '周桂兰' }).count()).toBe(0);
    await btn(page, '看已退出的长者').click();
    await expectText(card(page, '周桂兰'), '已退出服务：迁出本区');
    await checkPage(page, '长者名册 (retired)');
  } finally {
    await o.close();
  }
});

test('the admin at 1366×768 moves an elder to another community and reinstates the one retired', async () => {
  const context = await suite.browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' });
  const page = await context.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  try {
    await signIn(page, suite.server.baseUrl, suite.server.admin);
    await btn(page, '长者名册').click();
    const wuCard = card(page, '吴建国');
    await wuCard.getByRole('button', { name: '转社区 吴建国' }).click();
    await wuCard.getByRole('button', { name: '太和社区' }).click();
    await checkPage(page, '长者名册 转社区 (admin 1366)');
    await wuCard.getByRole('button', { name: '确认转到 太和社区 吴建国' }).click();
    await expectText(wuCard, '已把 吴建国 转到 太和社区');
    expect((await elderAsAdmin(wu.id)).communityId).toBe(otherCommunity.id);
    // The old community's worker no longer sees him.
    expect((await suite.server.api.get(`/api/elders/${wu.id}`, { token: worker.token })).status).toBe(404);

    await btn(page, '看已退出的长者').click();
    const zhouCard = card(page, '周桂兰');
    await expectText(zhouCard, '已退出服务：迁出本区');
    await zhouCard.getByRole('button', { name: '恢复在册 周桂兰' }).click();
    await expectText(zhouCard, '已恢复 周桂兰');
    await checkPage(page, '长者名册 恢复 (admin 1366)');
    expect((await elderAsAdmin(zhou.id)).status).toBe('active');
    await expectNoSideScroll(page, '长者名册 恢复 (admin 1366)');
    await expectNoPopups({ page, dialogs });
  } finally {
    await context.close();
  }
});
