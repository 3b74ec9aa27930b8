// Delivery as a welfare check, in the built H5 app against the real API, at phone size:
// a canteen staff member opens 送餐上门 from the home page, picks 午餐, sees the elder's address,
// diet and a 拨打电话 dial link, taps 无人应门 and sees the delivery marked in the page; the
// API holds one open alarm with source 'delivery'; the community worker's desk then shows it
// with its reason and the time it was found.
import { chinaDate } from '@yiyangtong/shared';
import {
  buttonNamed,
  buttonStarting,
  checkPage,
  expectNoPopups,
  expectText,
  openPhonePage,
  signIn,
  textOn,
  visible,
} from '../harness/browser';
import type { TestUser } from '../api/fixtures';
import { MealFixtures } from '../api/meal-fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite({ clock: () => now ?? new Date() });

let m: MealFixtures;
let staff: TestUser;
let worker: TestUser;
let elder: { id: string; sent: Record<string, any> };
let orderId: string;
/** null: real time. The BFF calls the clock on every request. */
let now: Date | null = null;

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  const comm = await m.community({ name: '关上社区' });
  const canteen = await m.canteen(comm.id, {
    name: '关上长者食堂',
    fulfilment: ['dine_in', 'delivery'],
  });
  staff = await m.user('canteen_staff', { canteenId: canteen.id, name: '送餐员小陈' });
  worker = await m.user('worker', { communityId: comm.id, name: '王助老员' });
  elder = await m.elder(worker.token, comm.id, {
    name: '李秀兰',
    groups: [],
    address: '幸福小区3栋2单元101',
    diet: ['低盐', '软烂'],
  });
  const fish = await m.dish(staff.token, canteen.id, '清蒸鲈鱼', 1500);
  const today = chinaDate(new Date());
  await m.putMenu(staff.token, canteen.id, today, 'lunch', [{ dishId: fish.id, quota: 10 }]);
  now = new Date(`${today}T06:00:00+08:00`); // before lunch's 10:00 cut-off
  try {
    const order = await m.placed(worker.token, {
      elderId: elder.id,
      canteenId: canteen.id,
      date: today,
      slot: 'lunch',
      items: [{ dishId: fish.id, qty: 1 }],
      fulfilment: 'delivery',
    });
    orderId = order.id;
  } finally {
    now = null;
  }
});

test('a courier marks a delivery 无人应门 and sees it marked; the worker desk then shows the delivery alarm', async () => {
  const s = await openPhonePage(suite.browser);
  const page = s.page;
  page.setDefaultTimeout(15000);
  try {
    await signIn(page, suite.server.baseUrl, staff);
    await textOn(page, '送餐上门').click();
    await textOn(page, '送餐上门').waitFor();
    await buttonStarting(page, '午餐').click();
    const card = visible(page.locator('[aria-label="送给 李秀兰"]'));
    await card.waitFor();
    await expectText(card, '幸福小区3栋2单元101');
    await expectText(card, '饮食：低盐、软烂');
    await expectText(card, '清蒸鲈鱼 ×1');
    const call = card.locator(`a[href="tel:${elder.sent.phone}"]`);
    expect(await call.getAttribute('aria-label')).toBe('拨打电话 李秀兰');
    await checkPage(page, 'deliveries, before');

    await buttonNamed(page, '无人应门 李秀兰').click();
    await expectText(card, '无人应门');
    await expectText(card, '已通知社区助老员和家属');
    // Marked: 无人应门 is not offered again; 已送达 (a second try) still is.
    await buttonNamed(page, '已送达 李秀兰').waitFor();
    expect(
      await page.getByRole('button', { name: '无人应门 李秀兰' }).filter({ visible: true }).count(),
    ).toBe(0);
    await checkPage(page, 'deliveries, marked not home');
    await expectNoPopups(s);
  } finally {
    await s.close();
  }

  // The API agrees: the order carries the outcome, and exactly one delivery alarm is open.
  const order = await suite.server.api.get(`/api/meal-orders/${orderId}`, { token: staff.token });
  expect(order.body.delivery.outcome).toBe('not_home');
  const open = (
    await suite.server.api.get('/api/sos?status=open', { token: worker.token })
  ).body.items.filter((a: any) => a.elderId === elder.id);
  expect(open).toHaveLength(1);
  expect(open[0].source).toBe('delivery');

  const w = await openPhonePage(suite.browser);
  try {
    w.page.setDefaultTimeout(15000);
    await signIn(w.page, suite.server.baseUrl, worker);
    await textOn(w.page, '上门服务').click();
    const alarm = visible(w.page.locator('[aria-label="李秀兰的送餐提醒"]'));
    await alarm.waitFor();
    await expectText(alarm, '原因：送餐');
    await expectText(alarm, '无人应门');
    await expectText(alarm, '发现时间');
    await expectNoPopups(w);
  } finally {
    await w.close();
  }
});
