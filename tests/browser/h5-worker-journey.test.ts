// The community worker's journey in the built H5 app against the real API: find elders by
// name and by the last digits of the phone, register a new elder with the ID number checked
// as it is typed (birth date, gender and age read from it), give her a login and a family
// invite code, book a meal on her behalf (the order says who booked), then batch-book one
// lunch for three elders and read one result line each (booked with code / sold out).
import type { Page } from 'playwright-core';
import { addDays, chinaDate, makeIdCardNo } from '@yiyangtong/shared';
import {
  expectNoPopups,
  expectText,
  field,
  openPhonePage,
  visible,
  buttonNamed,
  buttonStarting,
  checkPage,
  signIn,
  textOn,
} from '../harness/browser';
import { MealFixtures } from '../api/meal-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let m: MealFixtures;
let canteen: { id: string; name: string };
let worker: TestUser;
let li: { id: string; sent: Record<string, any> };
let zhao: { id: string };
let stranger: { id: string };
let noodles: { id: string; name: string; price: number };
let tomorrow: string;
let staffToken: string;

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  const community = await m.community({ name: '关上社区' });
  const other = await m.community({ name: '太和社区' });
  canteen = await m.canteen(community.id, { name: '关上长者食堂' });
  const staff = await m.user('canteen_staff', { canteenId: canteen.id });
  worker = await m.user('worker', { communityId: community.id, name: '李敏' });
  const otherWorker = await m.user('worker', { communityId: other.id });
  li = await m.elder(worker.token, community.id, {
    name: '李德明',
    birthDate: '1940-05-01',
    groups: ['dibao'],
  });
  zhao = await m.elder(worker.token, community.id, { name: '赵秀英', gender: 'female', groups: [] });
  await m.elder(worker.token, community.id, { name: '孙桂芳', gender: 'female', groups: [] });
  stranger = await m.elder(otherWorker.token, other.id, { name: '李外人', groups: [] });
  tomorrow = addDays(chinaDate(new Date()), 1);
  noodles = await m.dish(staff.token, canteen.id, '牛肉面', 800);
  await m.putMenu(staff.token, canteen.id, tomorrow, 'lunch', [{ dishId: noodles.id, quota: 3 }]);
  staffToken = staff.token;
});

const text = textOn;
const btn = buttonNamed;
const btnStarting = buttonStarting;
const card = (page: Page, name: string) =>
  visible(page.locator('.elders__card').filter({ has: page.getByText(name, { exact: true }) }));

test('finds, registers, gives a login and an invite code, books on an elder’s behalf', async () => {
  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, worker);
    await checkPage(page, 'home (worker)');
    await btn(page, '长者名册').click();
    await card(page, '李德明').waitFor();
    await card(page, '赵秀英').waitFor();
    expect(await page.getByText('李外人').filter({ visible: true }).count()).toBe(0); // another community
    await checkPage(page, '长者名册');

    // By name, then by the last four digits of the phone; phones are shown masked.
    await field(page, '姓名或手机尾号（4位以上）').fill('李');
    await btn(page, '查找').click();
    await text(page, '「李」的查找结果').waitFor();
    await card(page, '李德明').waitFor();
    expect(await page.locator('.elders__card').filter({ visible: true }).count()).toBe(1);
    const phone: string = li.sent.phone;
    await field(page, '姓名或手机尾号（4位以上）').fill(phone.slice(-4));
    await btn(page, '查找').click();
    await text(page, `「${phone.slice(-4)}」的查找结果`).waitFor();
    const found = card(page, '李德明');
    await expectText(found, `电话 ${phone.slice(0, 3)}****${phone.slice(-4)}`);
    await expectText(found, '低保');

    // Register a new elder: the ID number is checked while typed.
    await btn(page, '登记新长者').click();
    await text(page, '享受政策的类别（可多选）').waitFor();
    const id = makeIdCardNo('530111', '1946-09-30', 124); // even sequence digit: female
    const wrongCheck = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
    await field(page, '请输入姓名').fill('王秀兰');
    await field(page, '请输入身份证号').fill(id.slice(0, 10));
    await text(page, '还差 8 位').waitFor();
    await field(page, '请输入身份证号').fill(wrongCheck);
    await text(page, '身份证号最后一位（校验位）不对，请逐位核对').waitFor();
    await field(page, '请输入身份证号').fill(id.slice(0, 10) + '1399' + id.slice(14, 17) + 'X');
    await text(page, '身份证号里的出生日期不对，请核对第7到14位').waitFor();
    await field(page, '请输入身份证号').fill(id);
    const age =
      Number(chinaDate(new Date()).slice(0, 4)) - 1946 - (chinaDate(new Date()).slice(5) < '09-30' ? 1 : 0);
    await text(page, `出生日期 1946年9月30日 · 女 · ${age}岁`).waitFor();
    await checkPage(page, '登记长者 (valid ID)');
    await btn(page, '登记').click();
    await text(page, '请填写住址').waitFor(); // the page's own check, under the field
    await field(page, '请输入住址').fill('关上街道幸福小区1栋101');
    await btnStarting(page, '特困供养').click();
    const created = page.waitForResponse(
      (r) => r.url().endsWith('/api/elders') && r.request().method() === 'POST',
    );
    await btn(page, '登记').click();
    const elder = await (await created).json();
    expect(elder).toMatchObject({
      name: '王秀兰',
      birthDate: '1946-09-30',
      gender: 'female',
      groups: ['tekun'],
    });
    await expectText(visible(page.locator('.ok-box')), '已登记 王秀兰');
    await checkPage(page, '登记长者 (done)');

    // To the list: give her a login and a family invite code.
    await btn(page, '去长者名册').click();
    const wang = card(page, '王秀兰');
    await wang.waitFor();
    await wang.getByRole('button', { name: '开通登录 王秀兰' }).click();
    await field(page, '请输入登录手机号').fill('13712345678');
    await field(page, '请输入初始密码').fill('Wang#2026');
    await wang.getByRole('button', { name: '确认开通 王秀兰' }).click();
    await expectText(wang, '已为 王秀兰 开通登录');
    const login = await suite.server.api.post('/api/auth/login', {
      phone: '13712345678',
      password: 'Wang#2026',
    });
    expect(login.status).toBe(200);
    expect(login.body.user.role).toBe('elder');

    await wang.getByRole('button', { name: '生成家属邀请码 王秀兰' }).click();
    const code = (await visible(wang.locator('.elders__code')).innerText()).trim();
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    const daughter = await m.family('王女士');
    const linked = await suite.server.api.post('/api/family/links', { code }, { token: daughter.token });
    expect(linked.status).toBe(201);
    expect(linked.body.elderId).toBe(elder.id);
    await checkPage(page, '长者名册 (login and invite)');

    // Book on her behalf: the page and the order say who booked.
    await wang.getByRole('button', { name: '代订餐 王秀兰' }).click();
    await text(page, '为 王秀兰 订餐').waitFor();
    await btnStarting(page, canteen.name).click();
    await btn(page, `加一份 ${noodles.name}`).click();
    await visible(page.locator('.meal__payable-amount')).waitFor();
    const res = page.waitForResponse(
      (r) => r.url().endsWith('/api/meal-orders') && r.request().method() === 'POST',
    );
    await btn(page, '确认订餐').click();
    const order = await (await res).json();
    expect(order.bookedBy).toMatchObject({ userId: worker.id, role: 'worker', name: worker.name });
    await text(page, `由 ${worker.name} 代订`).waitFor();
    // The elder sees it in her own orders as booked by the worker.
    const hers = await suite.server.api.get(`/api/meal-orders?elderId=${elder.id}`, {
      token: login.body.token,
    });
    expect(hers.body.items[0].bookedBy.role).toBe('worker');
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});

test('batch booking: tick three elders, one meal, each one’s price, one pass, one line each', async () => {
  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    // Two portions left, whatever the first test booked: two booked, one sold out.
    const booked = 3 - (await m.remaining(canteen.id, tomorrow, 'lunch', noodles.id));
    await m.putMenu(staffToken, canteen.id, tomorrow, 'lunch', [{ dishId: noodles.id, quota: booked + 2 }]);
    await signIn(page, suite.server.baseUrl, worker);
    await btn(page, '批量订餐').click();
    await btnStarting(page, '李德明').click();
    await btnStarting(page, '赵秀英').click();
    await btnStarting(page, '孙桂芳').click();
    await text(page, '1. 选长者（已选 3 位）').waitFor();
    await btnStarting(page, canteen.name).click();
    await btnStarting(page, '明天').waitFor();
    await btnStarting(page, '午餐').click();
    await btn(page, `加一份 ${noodles.name}`).click();

    // Each elder's price is the server's quote for that elder (李德明 is 低保: a different price).
    const quoteFor = async (elderId: string) =>
      (
        await m.quote(worker.token, {
          elderId,
          canteenId: canteen.id,
          date: tomorrow,
          slot: 'lunch',
          items: [{ dishId: noodles.id, qty: 1 }],
          fulfilment: 'dine_in',
        })
      ).body;
    const liRow = visible(page.locator('.batch__price').filter({ hasText: '李德明' }));
    await expectText(liRow, `应付 ¥${((await quoteFor(li.id)).payable / 100).toFixed(2)}`);
    const zhaoRow = visible(page.locator('.batch__price').filter({ hasText: '赵秀英' }));
    await expectText(zhaoRow, `应付 ¥${((await quoteFor(zhao.id)).payable / 100).toFixed(2)}`);
    await checkPage(page, '批量订餐 (prices)');

    const res = page.waitForResponse((r) => r.url().endsWith('/api/meal-orders/batch'));
    await btn(page, '为 3 位长者订餐').click();
    const batch = await res;
    expect(batch.request().headers()['idempotency-key']).toMatch(/^[\x21-\x7e]{8,128}$/);
    const results = (await batch.json()).results as { elderId: string; status: number; order?: any }[];
    expect(results.map((r) => r.status)).toEqual([201, 201, 409]);
    await text(page, '批量订餐结果').waitFor();
    const lines = page.locator('.batch__result').filter({ visible: true });
    expect(await lines.count()).toBe(3);
    await expectText(lines.nth(0), `李德明：已订，取餐码 ${results[0].order.pickupCode}`);
    await expectText(lines.nth(1), `赵秀英：已订，取餐码 ${results[1].order.pickupCode}`);
    await expectText(lines.nth(2), '孙桂芳：没订上：这道菜已经订完了，换一道吧');
    await expectText(visible(page.locator('.batch__summary')), '2 位订上，1 位没订上');
    await checkPage(page, '批量订餐 (results)');
    expect(stranger.id).toBeTruthy();
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});
