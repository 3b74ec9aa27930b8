// Browser tests of 上门服务 and 紧急呼叫 in the built H5 app against the real API, phone
// viewport, each user in their own browser context:
// 1. an elder books a bath for tomorrow (sees the server's price breakdown with the
//    subsidy), a provider in a second context accepts / checks in / checks out, and the
//    elder's page shows 已完成 with the timeline, rates it 5 分 and sees 已评价;
// 2. an elder raises an SOS (one confirmation), a worker sees it with the address and a
//    tel: call button and taps 我来处理, and the elder's page then shows 社区已收到，正在联系您;
// 3. a worker dispatches a requested visit to the suggested provider and, after it is done,
//    records a follow-up (回访) — and the visit's timeline says so.
import type { Page } from 'playwright-core';
import { addDays, chinaDate } from '@yiyangtong/shared';
import {
  contrastOf,
  expectNoPopups,
  expectTall,
  expectText,
  field,
  openPhonePage,
  type PhonePage,
  smallestTextSize,
  visible,
} from '../harness/browser';
import { BASE, type TestUser } from '../api/fixtures';
import { ServiceFixtures } from '../api/service-fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite({ clock: () => shifted ?? new Date() });

let f: ServiceFixtures;
let worker: TestUser;
let provider: TestUser;
let elder: { id: string };
let elderUser: TestUser;
let bath: any;
/** The server's clock: real time, moved to the visit's time for check-in / check-out. */
let shifted: Date | null = null;

beforeAll(async () => {
  f = new ServiceFixtures(suite.server);
  const comm = await f.community({ name: '关上社区' });
  worker = await f.user('worker', { communityId: comm.id, name: '王助老员' });
  provider = await f.user('provider', { name: '刘护理员' });
  elder = await f.elder(worker.token, comm.id, {
    name: '张桂兰',
    birthDate: '1941-06-18',
    gender: 'female',
    groups: [],
    location: BASE,
    diet: ['低糖'],
    emergencyContacts: [{ name: '张伟', phone: '13812345678', relation: '儿子' }],
  });
  elderUser = await f.elderAccount(worker.token, elder.id);
  bath = await f.item();
  await f.rule({
    name: '80岁以上助浴补贴',
    minAge: 80,
    appliesTo: 'service',
    serviceCategories: ['bath'],
    benefit: { type: 'percent_off', value: 50 },
    fundedBy: 'government',
    validFrom: addDays(chinaDate(new Date()), -30),
  });
});

const text = (page: Page, s: string) => visible(page.getByText(s, { exact: true }));
/** A tappable element: role=button with its words as aria-label. */
const tap = (page: Page, label: string) => visible(page.locator(`[role="button"][aria-label="${label}"]`));

async function signIn(user: TestUser): Promise<PhonePage> {
  const p = await openPhonePage(suite.browser);
  p.page.setDefaultTimeout(15000);
  await p.page.goto(`${suite.server.baseUrl}/`);
  await text(p.page, '去登录').click();
  await field(p.page, '请输入手机号').fill(user.phone);
  await field(p.page, '请输入密码').fill(user.password);
  await text(p.page, '登录').click();
  await text(p.page, `您好，${user.name}`).waitFor();
  return p;
}

test('an elder books a bath, a provider serves it in another suite.browser, the elder rates it', async () => {
  const e = await signIn(elderUser);
  const p = await signIn(provider);
  try {
    // The home page no longer has placeholders.
    expect(await e.page.getByText('即将上线').count()).toBe(0);
    await text(e.page, '上门服务').click();
    await text(e.page, '预约服务').waitFor();
    await tap(e.page, '上门助浴 ¥60.00/次').click();
    const tomorrow = addDays(chinaDate(new Date()), 1);
    const [, m, d] = tomorrow.split('-').map(Number);
    await visible(e.page.locator('[role="button"]').filter({ hasText: `${m}月${d}日` })).click();
    await tap(e.page, '上午 9:00–11:00').click();
    // The server's breakdown: 原价 60, the government's half, 应付 30.
    const price = visible(e.page.locator('[aria-label="价格明细"]'));
    await expectText(price, '¥60.00');
    await expectText(price, '80岁以上助浴补贴（政府补贴）');
    await expectText(price, '¥30.00');
    const confirm = tap(e.page, '确认预约，应付¥30.00');
    await expectTall(confirm, '确认预约');
    expect(await contrastOf(confirm)).toBeGreaterThanOrEqual(4.5);
    await confirm.click();
    await text(e.page, '预约成功：上门助浴').waitFor();
    await expectText(visible(e.page.locator('[aria-label="上门助浴 待派单"]')), '张桂兰 预约');

    // The office dispatches (by API: the worker page has its own test below).
    const [visit] = (await f.api.get('/api/service-orders', { token: elderUser.token })).body.items;
    expect(visit.pricing.payable).toBe(3000);
    await f.api.post(
      `/api/service-orders/${visit.id}/dispatch`,
      { providerUserId: provider.id },
      { token: worker.token },
    );

    // The provider, in the other browser.
    await text(p.page, '上门服务').click();
    await text(p.page, '我的上门服务').waitFor();
    await tap(p.page, '接单：张桂兰').click();
    // Check-in is accepted only around the booked time (tomorrow 09:00): the server's clock goes there.
    shifted = new Date(`${tomorrow}T01:00:00Z`);
    await tap(p.page, '到达签到：张桂兰').click();
    await field(p.page, '服务记录（做了什么）').fill('协助洗澡，剪指甲');
    shifted = new Date(`${tomorrow}T01:50:00Z`);
    await tap(p.page, '服务完成签退：张桂兰').click();
    await expectText(visible(p.page.locator('[aria-label="张桂兰 上门助浴"]')), '已完成');
    shifted = null;

    // Back to the elder: the visit shows 已完成 (polled), the timeline, and rating.
    const card = visible(e.page.locator('[aria-label="上门助浴 已完成"]'));
    await card.waitFor({ timeout: 15000 });
    await expectText(card, '服务人员：刘护理员');
    await expectText(card, '刘护理员 服务完成：协助洗澡，剪指甲');
    await tap(e.page, '5分').click();
    await tap(e.page, '提交评价 5分').click();
    const rated = visible(e.page.locator('[aria-label="上门助浴 已评价"]'));
    await expectText(rated, '我的评价：5 分');
    const after = await f.api.get(`/api/service-orders/${visit.id}`, { token: worker.token });
    expect(after.body).toMatchObject({ status: 'rated', rating: { score: 5 } });

    expect((await smallestTextSize(e.page)).size).toBeGreaterThanOrEqual(18);
    await expectNoPopups(e);
    await expectNoPopups(p);
  } finally {
    shifted = null;
    await e.close();
    await p.close();
  }
});

test('an elder raises an SOS with one confirmation; a worker acknowledges it; the elder sees it', async () => {
  const e = await signIn(elderUser);
  const w = await signIn(worker);
  try {
    await text(e.page, '紧急呼叫').click();
    await e.page.waitForURL(/pages\/sos\/sos/);
    await text(e.page, '遇到危险请同时拨打 120 或 110：').waitFor();
    const sos = tap(e.page, '紧急呼叫');
    await sos.waitFor();
    // While the home page slides away its own 紧急呼叫 button may be the one found for a moment.
    for (let i = 0; i < 50 && !(await sos.boundingBox())?.height; i++) await e.page.waitForTimeout(100);
    await expectTall(sos, 'SOS');
    await sos.click();
    // One confirmation, inline; nothing is sent until it is confirmed.
    await text(e.page, '确定要呼叫社区吗？').waitFor();
    expect((await f.api.get('/api/sos', { token: worker.token })).body.items).toEqual([]);
    await tap(e.page, '确定呼叫').click();
    await text(e.page, '正在呼叫社区').waitFor();

    await text(w.page, '上门服务').click();
    const alarm = visible(w.page.locator('[aria-label="张桂兰的紧急呼叫"]'));
    await alarm.waitFor({ timeout: 10000 });
    await expectText(alarm, '住址：官渡区关上街道幸福小区');
    await expectText(alarm, '饮食/健康：低糖');
    const call = alarm.locator('a[href="tel:13812345678"]');
    expect(await call.getAttribute('aria-label')).toBe('拨打儿子张伟电话 13812345678');
    await tap(w.page, '我来处理：张桂兰').click();
    await tap(w.page, '请先选择处理结果').waitFor();

    await text(e.page, '社区已收到，正在联系您').waitFor({ timeout: 10000 });
    await text(e.page, '响应人：王助老员').waitFor();
    await expectNoPopups(e);
    await expectNoPopups(w);
  } finally {
    await e.close();
    await w.close();
  }
});

test('a worker dispatches a requested visit and records the follow-up', async () => {
  const day = addDays(chinaDate(new Date()), 2);
  const v = await f.visit(elderUser.token, elder.id, bath.id, `${day}T01:00:00Z`);
  const w = await signIn(worker);
  try {
    // The home page's badge: the worker's unread notices (the SOS above), as the API counts them.
    const { unread, items } = (await f.api.get('/api/notifications', { token: worker.token })).body;
    expect(unread).toBeGreaterThan(0);
    await tap(w.page, `消息通知，${unread}条未读`).click();
    await expectText(visible(w.page.locator('.care__card').filter({ hasText: '【未读】' })), items[0].body);
    await tap(w.page, '全部标为已读').click();
    await text(w.page, '未读 0 条').waitFor();
    await tap(w.page, '返回首页').click();
    await tap(w.page, '消息通知').waitFor();

    await text(w.page, '上门服务').click();
    const card = visible(w.page.locator(`[aria-label="张桂兰 上门助浴 ${day} 09:00 待派单"]`));
    await card.waitFor();
    // 刘护理员 has no service categories: offered behind 「更多服务人员」, then confirmed in the card.
    await visible(card.locator('[role="button"][aria-label="更多服务人员"]')).click();
    await tap(w.page, '派给刘护理员（当天已有0单）').click();
    await tap(w.page, '确认派给刘护理员').click();
    await card.waitFor({ state: 'detached', timeout: 10000 });
    await text(w.page, `已派单给 刘护理员：上门助浴 · 张桂兰，${day} 09:00`).waitFor();
    const dispatched = await f.api.get(`/api/service-orders/${v.id}`, { token: worker.token });
    expect(dispatched.body).toMatchObject({ status: 'dispatched', provider: { name: '刘护理员' } });

    await f.api.post(`/api/service-orders/${v.id}/accept`, {}, { token: provider.token });
    shifted = new Date(`${day}T01:00:00Z`);
    await f.api.post(`/api/service-orders/${v.id}/check-in`, {}, { token: provider.token });
    // Every completed visit is sampled for a follow-up call here (the district's default is 10 %).
    await f.api.put('/api/follow-ups/settings', { sampleShare: 1 }, { token: await f.adminToken() });
    shifted = new Date(`${day}T02:00:00Z`);
    await f.api.post(`/api/service-orders/${v.id}/check-out`, {}, { token: provider.token });
    shifted = null;
    const follow = visible(w.page.locator(`[aria-label="张桂兰 上门助浴 ${day} 09:00 待回访"]`));
    await follow.waitFor({ timeout: 15000 });
    await expectText(follow, '长者未评价');
    await expectText(follow, '回访原因：随机抽查');
    await visible(follow.locator('[role="button"][aria-label="满意"]')).click();
    await visible(follow.locator('taro-input-core input[placeholder="回访记录"]')).fill(
      '电话回访，老人说很好',
    );
    await visible(follow.locator('[role="button"][aria-label="记录回访：张桂兰"]')).click();
    await follow.waitFor({ state: 'detached', timeout: 10000 });
    const done = await f.api.get(`/api/service-orders/${v.id}`, { token: worker.token });
    expect(done.body).toMatchObject({
      status: 'followed_up',
      followUp: { satisfied: true, notes: '电话回访，老人说很好' },
    });
    expect(done.body.timeline.at(-1)).toMatchObject({ status: 'followed_up', by: { name: '王助老员' } });
    await expectNoPopups(w);
  } finally {
    await w.close();
  }
});
