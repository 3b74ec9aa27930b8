// The month's settlement as a file, in the built H5 app at an office screen (1366×768): the admin
// picks the canteen, presses 下载 Excel and a workbook arrives with the Chinese file name and the
// same subsidy total as the page; 下载 CSV likewise. Canteen staff download their own canteen's.
import type { Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { addDays, chinaDate } from '@yiyangtong/shared';
import { buttonNamed, buttonStarting, checkPage, signIn, textOn, visible } from '../harness/browser';
import { MealFixtures } from '../api/meal-fixtures';
import type { TestUser } from '../api/fixtures';
import { useBrowserSuite } from '../harness/browser-suite';

const suite = useBrowserSuite();

let m: MealFixtures;
let canteen: { id: string; name: string };
let staff: TestUser;
const today = chinaDate(new Date());
const month = today.slice(0, 7);
const monthWords = `${Number(month.slice(0, 4))}年${Number(month.slice(5))}月`;

beforeAll(async () => {
  m = new MealFixtures(suite.server);
  const community = await m.community({ name: '关上社区' });
  // Dinner bookable until 23:59: today's meals fall in the month the page shows, whatever the day.
  canteen = await m.canteen(community.id, {
    name: '关上长者食堂',
    slots: [
      { slot: 'lunch', cutoff: '10:00' },
      { slot: 'dinner', cutoff: '23:59' },
    ],
  });
  staff = await m.user('canteen_staff', { canteenId: canteen.id, name: '赵红' });
  const worker = await m.user('worker', { communityId: community.id });
  await m.rule({
    name: '80岁以上助餐优惠',
    minAge: 80,
    benefit: { type: 'amount_off', value: 300 },
    fundedBy: 'government',
    perElderPerSlotPerDay: 1,
    validFrom: addDays(today, -40),
  });
  const fish = await m.dish(staff.token, canteen.id, '清蒸鲈鱼', 900);
  await m.putMenu(staff.token, canteen.id, today, 'dinner', [{ dishId: fish.id, quota: 50 }]);
  for (const name of ['张桂兰', '李秀英']) {
    const elder = await m.elder(worker.token, community.id, { name, birthDate: '1940-01-01', groups: [] });
    await m.placed(worker.token, {
      elderId: elder.id,
      canteenId: canteen.id,
      date: today,
      slot: 'dinner',
      items: [{ dishId: fish.id, qty: 1 }],
    });
  }
});

async function officePage(): Promise<{ page: Page; close: () => Promise<void> }> {
  const context = await suite.browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    acceptDownloads: true,
  });
  const page = await context.newPage();
  page.on('dialog', (d) => void d.dismiss());
  return { page, close: () => context.close() };
}

test('admin at 1366×768: 下载 Excel brings the workbook with the page’s totals; 下载 CSV the lines', async () => {
  const admin = { ...suite.server.admin };
  const login = await suite.server.api.post('/api/auth/login', {
    phone: admin.phone,
    password: admin.password,
  });
  admin.name = login.body.user.name;
  const json = await suite.server.api.get(`/api/reports/settlement?canteenId=${canteen.id}&month=${month}`, {
    token: login.body.token,
  });
  expect(json.body.subsidies).toBe(600);
  const { page, close } = await officePage();
  try {
    await signIn(page, suite.server.baseUrl, admin);
    await buttonNamed(page, '月度结算').click();
    await buttonStarting(page, canteen.name).click();
    await textOn(page, `${json.body.orders} 单`).waitFor();
    await checkPage(page, '月度结算（1366×768）');

    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      buttonNamed(page, `下载 Excel ${monthWords}结算`).click(),
    ]);
    expect(xlsx.suggestedFilename()).toBe(`关上长者食堂${monthWords}结算.xlsx`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile((await xlsx.path())!);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['结算汇总', '补贴明细']);
    const detail = wb.getWorksheet('补贴明细')!;
    const total = detail.getRow(detail.rowCount);
    expect(total.getCell(1).value).toBe('合计');
    expect(Math.round(Number(total.getCell(7).value) * 100)).toBe(json.body.subsidies);
    await visible(page.getByText(`已下载：关上长者食堂${monthWords}结算.xlsx`)).waitFor();

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      buttonNamed(page, `下载 CSV ${monthWords}补贴明细`).click(),
    ]);
    expect(csv.suggestedFilename()).toBe(`关上长者食堂${monthWords}补贴明细.csv`);
    const fs = await import('node:fs/promises');
    const text = (await fs.readFile((await csv.path())!)).toString('utf8');
    expect(text.startsWith('\ufeff日期,餐次,食堂,长者')).toBe(true);
    expect(text.trim().split(/\r?\n/)).toHaveLength(1 + 2); // header + two subsidised dinners
  } finally {
    await close();
  }
});

test('canteen staff download their own canteen’s month on a phone-sized screen', async () => {
  const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
  const page = await context.newPage();
  try {
    await signIn(page, suite.server.baseUrl, staff);
    // The staff home has no 月度结算 button: the page is reached by its address.
    await page.goto(`${suite.server.baseUrl}/#/packages/admin/settlement/settlement`);
    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      buttonNamed(page, `下载 Excel ${monthWords}结算`).click(),
    ]);
    expect(xlsx.suggestedFilename()).toBe(`关上长者食堂${monthWords}结算.xlsx`);
    await checkPage(page, '月度结算（食堂，手机）');
  } finally {
    await context.close();
  }
});
