// The live canteen list on the 订餐 page, in the built H5 app against the real API, at phone
// size: under each canteen, today's and tomorrow's meals in words and colour — 可订 / 已订完 /
// 已截止. Tomorrow's lunch is booked out (every dish at 0 portions): it shows 已订完, and the
// meal cannot be chosen further down; tomorrow's dinner is open and chosen for her instead.
import { addDays, chinaDate } from '@yiyangtong/shared';
import {
  buttonStarting,
  checkPage,
  contrastOf,
  expectNoPopups,
  expectPressed,
  openPhonePage,
  signIn,
  textOn,
  visible,
} from '../harness/browser';
import { BASE, type TestUser } from '../api/fixtures';
import { MealFixtures } from '../api/meal-fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let elderUser: TestUser;

beforeAll(async () => {
  const m = new MealFixtures(suite.server);
  const comm = await m.community({ name: '关上社区' });
  const canteen = await m.canteen(comm.id, { name: '关上长者食堂', location: BASE }); // lunch 10:00, dinner 15:30
  const staff = await m.user('canteen_staff', { canteenId: canteen.id });
  const worker = await m.user('worker', { communityId: comm.id });
  const elder = await m.elder(worker.token, comm.id, { name: '李秀兰', groups: [], location: BASE });
  elderUser = await m.elderAccount(worker.token, elder.id);
  const neighbour = await m.elder(worker.token, comm.id, { name: '赵德明', groups: [] });
  const fish = await m.dish(staff.token, canteen.id, '清蒸鲈鱼', 1500);
  const tomorrow = addDays(chinaDate(new Date()), 1);
  await m.putMenu(staff.token, canteen.id, tomorrow, 'lunch', [{ dishId: fish.id, quota: 1 }]);
  await m.putMenu(staff.token, canteen.id, tomorrow, 'dinner', [{ dishId: fish.id, quota: 5 }]);
  // The neighbour takes the last portion of tomorrow's lunch.
  await m.placed(worker.token, {
    elderId: neighbour.id,
    canteenId: canteen.id,
    date: tomorrow,
    slot: 'lunch',
    items: [{ dishId: fish.id, qty: 1 }],
  });
});

test('a sold-out meal shows 已订完 under the canteen and cannot be chosen; an open one shows 可订', async () => {
  const o = await openPhonePage(suite.browser);
  const page = o.page;
  page.setDefaultTimeout(15000);
  try {
    await signIn(page, suite.server.baseUrl, elderUser);
    await textOn(page, '订餐').click();
    const states = visible(page.locator('[aria-label="关上长者食堂 各餐能否预订"]'));
    await states.waitFor();
    const tomorrowRow = states.locator('.slot-states__day').filter({ hasText: '明天' });
    const soldOut = tomorrowRow.getByText('午餐 已订完', { exact: true });
    const open = tomorrowRow.getByText('晚餐 可订', { exact: true });
    await soldOut.waitFor();
    await open.waitFor();
    // Colour and words: red for 已订完, green for 可订, both readable.
    expect(await soldOut.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(179, 38, 30)');
    expect(await open.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(20, 108, 46)');
    expect(await contrastOf(soldOut)).toBeGreaterThanOrEqual(4.5);
    // Today nothing is published: every meal of today says 已截止.
    const todayRow = states.locator('.slot-states__day').filter({ hasText: '今天' });
    expect(await todayRow.getByText('已截止', { exact: false }).count()).toBe(2);

    // Further down: tomorrow's lunch is marked 已订完 and cannot be chosen; dinner is chosen.
    const lunch = buttonStarting(page, '午餐');
    await lunch.waitFor();
    expect(await lunch.getAttribute('aria-label')).toBe('午餐 已订完');
    expect(await lunch.getAttribute('aria-disabled')).toBe('true');
    const dinner = buttonStarting(page, '晚餐');
    await expectPressed(dinner, true);
    await lunch.click({ force: true });
    expect(await dinner.getAttribute('aria-pressed')).toBe('true');
    expect(await lunch.getAttribute('aria-pressed')).toBe('false');
    await checkPage(page, 'booking, canteen list with meal states');
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});
