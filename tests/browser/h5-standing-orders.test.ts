// 长期订餐 in the built H5 app against the real API: an elder sets up "weekday lunch, 清蒸鲈鱼,
// 堂食" from the home page, reads it back in plain words, pauses it for three days with the
// big −/+ steppers (no calendar pop-up) and resumes it; canteen staff read the forecast,
// which counts the standing order. axe, announced buttons and text ≥ 18px on each page.
import { addDays, chinaDate } from '@yiyangtong/shared';
import {
  buttonNamed,
  buttonStarting,
  checkPage,
  expectNoPopups,
  expectPressed,
  expectText,
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
let canteen: { id: string; name: string };
let elder: { id: string };
let elderUser: TestUser;
let staff: TestUser;
let fish: { id: string; name: string };

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  const community = await m.community({ name: '关上社区' });
  canteen = await m.canteen(community.id, { name: '关上长者食堂' });
  staff = await m.user('canteen_staff', { canteenId: canteen.id, name: '赵红' });
  const worker = await m.user('worker', { communityId: community.id });
  elder = await m.elder(worker.token, community.id, {
    name: '张桂兰',
    gender: 'female',
    groups: [],
    diet: ['低盐'],
  });
  elderUser = await m.elderAccount(worker.token, elder.id);
  await m.dish(staff.token, canteen.id, '今日套餐', 800);
  fish = await m.dish(staff.token, canteen.id, '清蒸鲈鱼', 900);
});

/** 「12月2日 周三」, worked out here rather than with the app's helper. */
function label(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${['周日', '周一', '周二', '周三', '周四', '周五', '周六'][d.getUTCDay()]}`;
}

test('an elder sets up weekday lunch as a standing order, pauses it for three days and resumes it', async () => {
  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, elderUser);
    await buttonNamed(page, '长期订餐').click();
    await textOn(page, '还没有长期订餐。').waitFor();
    await checkPage(page, '长期订餐 (empty)');

    // The only canteen is preselected; 午餐 and 工作日 are the defaults: pick the dish.
    await expectPressed(buttonStarting(page, canteen.name), true);
    await expectPressed(buttonStarting(page, '午餐'), true);
    await expectPressed(buttonStarting(page, '工作日'), true);
    await buttonStarting(page, '清蒸鲈鱼').click();
    await textOn(page, '每周一至周五 午餐 · 清蒸鲈鱼 · 堂食').waitFor();
    await buttonNamed(page, '确认长期订餐').click();
    await textOn(page, '已设置：每周一至周五 午餐 · 清蒸鲈鱼 · 堂食。从明天起自动订餐。').waitFor();

    const saved = await suite.server.api.get(`/api/standing-orders?elderId=${elder.id}`, {
      token: elderUser.token,
    });
    expect(saved.body.items).toEqual([
      expect.objectContaining({
        canteenId: canteen.id,
        slot: 'lunch',
        weekdays: [1, 2, 3, 4, 5],
        fulfilment: 'dine_in',
        items: [expect.objectContaining({ dishId: fish.id, qty: 1, fallback: 'set_meal' })],
      }),
    ]);
    const card = visible(page.locator('.standing__card'));
    await expectText(card, '每周一至周五 午餐 · 清蒸鲈鱼 · 堂食');
    await checkPage(page, '长期订餐 (one set up)');

    // Pause: from tomorrow (the default), three days.
    await buttonStarting(page, '暂停几天').click();
    const tomorrow = addDays(chinaDate(new Date()), 1);
    const third = addDays(tomorrow, 2);
    await textOn(page, `暂停 ${label(tomorrow)} 至 ${label(tomorrow)}，共 1 天`).waitFor();
    await buttonNamed(page, '多停一天').click();
    await buttonNamed(page, '多停一天').click();
    await textOn(page, `暂停 ${label(tomorrow)} 至 ${label(third)}，共 3 天`).waitFor();
    await checkPage(page, '长期订餐 (pause form)');
    await buttonNamed(page, '确认暂停').click();
    await expectText(card, `已暂停：${label(tomorrow)} 至 ${label(third)}`);
    const paused = await suite.server.api.get(`/api/standing-orders?elderId=${elder.id}`, {
      token: elderUser.token,
    });
    expect(paused.body.items[0].pauses).toEqual([expect.objectContaining({ from: tomorrow, to: third })]);

    // The kitchen sees the standing order on a day it is not paused (the 4th day: a weekday or not).
    const fourth = addDays(tomorrow, 3);
    const weekday = new Date(`${fourth}T00:00:00Z`).getUTCDay();
    const fc = await suite.server.api.get(`/api/canteens/${canteen.id}/forecast?date=${fourth}`, {
      token: staff.token,
    });
    const lunch = fc.body.days[0].slots.find((s: any) => s.slot === 'lunch');
    expect(lunch.meals.standing).toBe(weekday >= 1 && weekday <= 5 ? 1 : 0);
    const pausedDay = await suite.server.api.get(`/api/canteens/${canteen.id}/forecast?date=${tomorrow}`, {
      token: staff.token,
    });
    expect(pausedDay.body.days[0].slots.find((s: any) => s.slot === 'lunch').meals.standing).toBe(0);

    // Resume: the pause is removed.
    await buttonStarting(page, `恢复 ${label(tomorrow)}`).click();
    await textOn(page, `已暂停：${label(tomorrow)} 至 ${label(third)}`).waitFor({ state: 'detached' });
    const resumed = await suite.server.api.get(`/api/standing-orders?elderId=${elder.id}`, {
      token: elderUser.token,
    });
    expect(resumed.body.items[0].pauses).toEqual([]);
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});

test('canteen staff read the forecast: the standing order counted with the diet note', async () => {
  const o = await openPhonePage(suite.browser);
  const { page } = o;
  try {
    await signIn(page, suite.server.baseUrl, staff);
    await buttonNamed(page, '备餐预估').click();
    await expectPressed(buttonStarting(page, '明天'), true);
    const tomorrow = addDays(chinaDate(new Date()), 1);
    const weekday = new Date(`${tomorrow}T00:00:00Z`).getUTCDay();
    const n = weekday >= 1 && weekday <= 5 ? 1 : 0;
    await textOn(page, `午餐：共 ${n} 份餐`).waitFor();
    await textOn(page, `已下单 0 份，长期订餐待下单 ${n} 份（菜单还没发布）`).waitFor();
    if (n) await textOn(page, '1 人').waitFor(); // 低盐
    await checkPage(page, '备餐预估');
    await expectNoPopups(o);
  } finally {
    await o.close();
  }
});
