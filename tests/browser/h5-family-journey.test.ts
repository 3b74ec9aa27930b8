// The family member's journey in the built H5 app against the real API: link to a parent
// with the invite code she made, switch between two linked parents, book a meal for one
// (the order records who booked) and see that parent's orders. axe on every page.
import { addDays, chinaDate } from '@yiyangtong/shared';
import {
  expectNoPopups,
  expectText,
  field,
  hasText,
  openPhonePage,
  visible,
  buttonNamed,
  buttonStarting,
  checkPage,
  signIn,
  textOn,
  expectPressed,
} from '../harness/browser';
import { MealFixtures } from '../api/meal-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let m: MealFixtures;
let canteen: { id: string; name: string };
let mother: { id: string };
let motherUser: TestUser;
let father: { id: string };
let son: TestUser;
let soup: { id: string; name: string };
let tomorrow: string;

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  const community = await m.community({ name: '关上社区' });
  canteen = await m.canteen(community.id, { name: '关上长者食堂' });
  const staff = await m.user('canteen_staff', { canteenId: canteen.id });
  const worker = await m.user('worker', { communityId: community.id });
  mother = await m.elder(worker.token, community.id, {
    name: '张桂兰',
    gender: 'female',
    birthDate: '1948-03-15',
    groups: [],
  });
  motherUser = await m.elderAccount(worker.token, mother.id);
  father = await m.elder(worker.token, community.id, { name: '王建国', birthDate: '1945-01-02', groups: [] });
  son = await m.family('张伟');
  await m.link(worker.token, father.id, son); // already linked to his father
  tomorrow = addDays(chinaDate(new Date()), 1);
  soup = await m.dish(staff.token, canteen.id, '番茄蛋汤', 300);
  await m.putMenu(staff.token, canteen.id, tomorrow, 'lunch', [{ dishId: soup.id, quota: 10 }]);
});

const text = textOn;
const btn = buttonNamed;
const btnStarting = buttonStarting;

test('links to his mother with her invite code, switches parents, books for her and sees her orders', async () => {
  // His mother makes an invite code in her own account (through the API).
  const invite = await suite.server.api.post(
    `/api/elders/${mother.id}/invites`,
    {},
    { token: motherUser.token },
  );
  expect(invite.status).toBe(201);

  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, son);
    await btn(page, '我的家人').click();
    await text(page, '我绑定的长者').waitFor();
    await btnStarting(page, '王建国').waitFor();
    await checkPage(page, '我的家人 (one parent linked)');

    // A wrong code first: said in words, inline.
    await field(page, '8位邀请码').fill('ABC');
    await btn(page, '绑定').click();
    await text(page, '邀请码是8位字母和数字，请再看一下').waitFor();
    await field(page, '8位邀请码').fill('ZZZZZZZZ');
    await btn(page, '绑定').click();
    await text(page, '邀请码不存在').waitFor();

    await field(page, '8位邀请码').fill(invite.body.code.toLowerCase());
    await btn(page, '绑定').click();
    await text(page, '已绑定 张桂兰，现在可以为 TA 订餐了。').waitFor();
    // Both parents listed; the new one chosen.
    await text(page, '张桂兰 的订餐').waitFor();
    await expectPressed(btnStarting(page, '张桂兰'), true);
    await expectPressed(btnStarting(page, '王建国'), false);
    await text(page, '张桂兰 还没有要吃的餐。').waitFor();
    await checkPage(page, '我的家人 (two parents)');

    // Switch to his father and back.
    await btnStarting(page, '王建国').click();
    await text(page, '王建国 的订餐').waitFor();
    await btnStarting(page, '张桂兰').click();
    await text(page, '张桂兰 的订餐').waitFor();

    // Book for his mother.
    await btn(page, '为 张桂兰 订餐').click();
    await text(page, '为 张桂兰 订餐').waitFor();
    await btn(page, `加一份 ${soup.name}`).click();
    await visible(page.locator('.meal__payable-amount')).waitFor();
    await checkPage(page, '订餐 (family, for his mother)');
    const res = page.waitForResponse(
      (r) => r.url().endsWith('/api/meal-orders') && r.request().method() === 'POST',
    );
    await btn(page, '确认订餐').click();
    const order = await (await res).json();
    expect(order.elderId).toBe(mother.id);
    expect(order.bookedBy).toMatchObject({ userId: son.id, role: 'family' });
    await text(page, `由 ${son.name} 代订`).waitFor();

    // Back on his page: her orders, with who booked.
    await btn(page, '返回首页').click();
    const card = visible(page.locator('.family__order'));
    await expectText(card, order.pickupCode);
    await expectText(card, `由家属 ${son.name} 代订`);
    await expectText(card, soup.name);
    // And her own 我的订单 shows it too, as booked by him.
    await btn(page, '张桂兰 的全部订单').click();
    await hasText(visible(page.locator('.orders__code')), order.pickupCode);
    await expectText(visible(page.locator('.orders__upcoming')), `由家属 ${son.name} 代订`);
    await checkPage(page, '我的订单 (family view)');
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});
