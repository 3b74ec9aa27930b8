// Browser test of 服务套餐 in the built H5 app against the real API, phone viewport: a family
// member sees the package with the price the server computes for their elder (the subsidy
// applied), buys it from the meal card, books a visit 用套餐 (no charge), and sees what is
// left go down — 「本月上门助浴还剩 4 次」 → 3, and back to 4 when the visit is cancelled — with the
// month-end lapse stated on the page;
// the community worker records a counter-paid package as collected; and the admin defines a
// package and stops selling it on the 服务项目 page, at a desk (1366×768) and on a phone.
import { randomUUID } from 'node:crypto';
import { addDays, chinaDate, chinaMonth } from '@yiyangtong/shared';
import {
  buttonNamed,
  checkPage,
  expectNoPopups,
  expectNoSideScroll,
  expectText,
  openPageAt,
  openPhonePage,
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
let elder: { id: string };
let communityId: string;
let admin: { phone: string; password: string; name: string };

beforeAll(async () => {
  f = new ServiceFixtures(suite.server);
  const comm = await f.community({ name: '关上社区' });
  communityId = comm.id;
  worker = await f.user('worker', { communityId: comm.id, name: '王助老员' });
  elder = await f.elder(worker.token, comm.id, {
    name: '张桂兰',
    birthDate: '1941-06-18',
    gender: 'female',
    groups: [],
    location: BASE,
  });
  daughter = await f.family('张女士');
  await f.link(worker.token, elder.id, daughter);
  const me = await suite.server.api.post('/api/auth/login', {
    phone: suite.server.admin.phone,
    password: suite.server.admin.password,
  });
  admin = { ...suite.server.admin, name: me.body.user.name };
  const bath = await f.item();
  await f.rule({
    name: '80岁以上助浴补贴',
    minAge: 80,
    appliesTo: 'service',
    serviceCategories: ['bath'],
    benefit: { type: 'percent_off', value: 50 },
    fundedBy: 'government',
    validFrom: addDays(chinaDate(new Date()), -40),
  });
  const pkg = await f.api.post(
    '/api/service-packages',
    { itemId: bath.id, name: '助浴月卡', visitsPerMonth: 4, price: 20000 },
    { token: await f.adminToken() },
  );
  expect(pkg.status).toBe(201);
  const topup = await f.api.post(
    `/api/elders/${elder.id}/card/topups`,
    { amount: 50000, method: 'cash' },
    { token: worker.token, headers: { 'idempotency-key': randomUUID() } },
  );
  expect(topup.status).toBe(201);
});

test('a family member buys a package by meal card, books a visit 用套餐 and sees what is left go down', async () => {
  const p = await openPhonePage(suite.browser);
  const page = p.page;
  page.setDefaultTimeout(15000);
  try {
    await signIn(page, suite.server.baseUrl, daughter);
    await textOn(page, '上门服务').click();
    await textOn(page, '服务套餐').waitFor();
    await textOn(page, '当月未用完的次数月底作废。').waitFor();
    // The visit will be tomorrow: the package is bought for tomorrow's month.
    const tomorrow = addDays(chinaDate(new Date()), 1);
    const month = tomorrow.slice(0, 7);
    const mLabel = `${Number(month.slice(5))}月`;
    const left = (n: number) =>
      month === chinaMonth(new Date()) ? `本月上门助浴还剩 ${n} 次` : `${mLabel}上门助浴 ${n} 次，已买好`;

    await buttonNamed(page, `购买${mLabel}助浴月卡，应付¥100.00`).click();
    // The server's price for this elder: ¥200, the government's half off, 应付 ¥100.
    const offer = visible(page.locator(`[aria-label="套餐 ${mLabel}助浴月卡"]`));
    const price = visible(offer.locator('[aria-label="价格明细"]'));
    await expectText(price, '¥200.00');
    await expectText(price, '80岁以上助浴补贴（政府补贴）');
    await expectText(price, '¥100.00');
    await checkPage(page, '服务套餐');
    await buttonNamed(page, '助餐卡支付').click();
    await buttonNamed(page, `确认购买${mLabel}助浴月卡，应付¥100.00`).click();
    await textOn(page, `已购买：${mLabel}助浴月卡`).waitFor();
    await textOn(page, '已付 ¥100.00').waitFor();
    await buttonNamed(page, '回到上门服务').click();
    await textOn(page, left(4)).waitFor();
    const card = await f.api.get(`/api/elders/${elder.id}/card`, { token: worker.token });
    expect(card.body.balance).toBe(40000);

    // Book tomorrow's bath 用套餐: no charge.
    await buttonNamed(page, '上门助浴 ¥60.00/次').click();
    const [, m, d] = tomorrow.split('-').map(Number);
    await visible(page.locator('[role="button"]').filter({ hasText: `${m}月${d}日` })).click();
    await buttonNamed(page, '上午 9:00–11:00').click();
    await buttonNamed(page, '用套餐（还剩 4 次）').waitFor();
    await buttonNamed(page, '确认预约，用套餐（不另收费）').click();
    await textOn(page, '预约成功：上门助浴').waitFor();
    await textOn(page, left(3)).waitFor();
    await expectText(visible(page.locator('[aria-label="上门助浴 待派单"]')), '用套餐（助浴月卡），不另收费');
    const visits = await f.api.get('/api/service-orders', { token: daughter.token });
    expect(visits.body.items.map((v: any) => v.pricing.payable)).toEqual([0]);
    expect((await f.api.get(`/api/elders/${elder.id}/card`, { token: worker.token })).body.balance).toBe(
      40000,
    );
    await expectNoSideScroll(page, '上门服务');
    await checkPage(page, '上门服务（用套餐之后）');
    // Cancelling the visit gives it back to the package.
    await buttonNamed(page, '取消预约：上门助浴').click();
    await buttonNamed(page, '确定取消：上门助浴').click();
    await textOn(page, left(4)).waitFor();
    await expectNoPopups(p);
  } finally {
    await p.close();
  }
});

test('the community worker records a package paid at the counter as collected, from the elders list', async () => {
  const e = await f.elder(worker.token, communityId, { name: '李建国', birthDate: '1950-01-01', groups: [] });
  const pkgId = (await f.api.get('/api/service-packages', { token: worker.token })).body.items[0].id;
  const month = chinaMonth(new Date());
  const bought = await f.api.post(
    `/api/elders/${e.id}/packages`,
    { packageId: pkgId, month, payment: 'counter' },
    { token: worker.token, headers: { 'idempotency-key': randomUUID() } },
  );
  expect(bought.status).toBe(201);
  const p = await openPhonePage(suite.browser);
  const page = p.page;
  page.setDefaultTimeout(15000);
  try {
    await signIn(page, suite.server.baseUrl, worker);
    await buttonNamed(page, '长者名册').click();
    await buttonNamed(page, '服务套餐 李建国').click();
    await textOn(page, '上门助浴还剩 4 次（共 4 次）').waitFor();
    await textOn(page, '待收款 ¥200.00（到社区服务站付）').waitFor();
    await checkPage(page, '服务套餐 收款');
    await buttonNamed(page, `已收款 ¥200.00：${Number(month.slice(5))}月助浴月卡`).click();
    await textOn(page, '已付 ¥200.00（社区服务站）').waitFor();
    const after = await f.api.get(`/api/elders/${e.id}/packages`, { token: worker.token });
    expect(after.body.items[0].payment).toMatchObject({ status: 'paid', collectedBy: { userId: worker.id } });
    await expectNoSideScroll(page, '服务套餐 收款');
    await expectNoPopups(p);
  } finally {
    await p.close();
  }
});

for (const viewport of [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
]) {
  const size = `${viewport.width}×${viewport.height}`;
  test(`admin at ${size}: defines a monthly package and stops selling it`, async () => {
    const item = await f.item({ category: 'clean', name: `${viewport.width}居家保洁`, price: 3000 });
    const name = `保洁月卡${viewport.width}`;
    const o = await openPageAt(suite.browser, viewport);
    const { page } = o;
    page.setDefaultTimeout(15000);
    const input = (label: string) => visible(page.locator(`taro-input-core input[aria-label="${label}"]`));
    try {
      await signIn(page, suite.server.baseUrl, admin);
      await buttonNamed(page, '服务项目').click();
      await textOn(page, '服务套餐（按月）').waitFor();
      await buttonNamed(page, '新建套餐').click();
      await textOn(page, '请先选择服务项目').waitFor();
      await visible(page.locator(`[role="button"][aria-label^="${item.name}"]`)).click();
      await input('套餐名称').fill(name);
      await input('每月次数').fill('8');
      await input('套餐价（元）').fill('199.50');
      await checkPage(page, `服务套餐 ${size}`);
      await buttonNamed(page, '新建套餐').click();
      await textOn(page, `已新建套餐「${name}」：${item.name}每月 8 次，¥199.50。`).waitFor();
      const list = (await suite.server.api.get('/api/service-packages', { token: daughter.token })).body
        .items;
      expect(list.find((x: any) => x.name === name)).toMatchObject({
        itemId: item.id,
        visitsPerMonth: 8,
        price: 19950,
        active: true,
      });
      await buttonNamed(page, `停售 ${name}`).click();
      await textOn(page, `「${name}」已停售。`).waitFor();
      await expectText(
        visible(page.locator('.price-row').filter({ hasText: name })),
        '已停售（已买的照常使用）',
      );
      const after = (await suite.server.api.get('/api/service-packages', { token: daughter.token })).body
        .items;
      expect(after.find((x: any) => x.name === name).active).toBe(false);
      await expectNoSideScroll(page, `服务套餐 ${size}`);
      await checkPage(page, `服务套餐 已停售 ${size}`);
      await expectNoPopups(o);
    } finally {
      await o.close();
    }
  });
}
