// npm run screenshots: the README's screenshots, taken from the real H5 build served by the
// real BFF on the embedded database with the demo district (a temp data dir, a free port).
// Phone viewport 390×844, zh-CN. Writes docs/screenshots/*.png.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { chromium } from 'playwright-core';
import { ensureFerretdb, ensureH5Built, root } from './lib/prepare.mjs';

const OUT = path.join(root, 'docs', 'screenshots');
const DEMO = {
  elder: { phone: '13900000005', password: 'Demo@2026' },
  worker: { phone: '13900000001', password: 'Demo@2026' },
  staff: { phone: '13900000002', password: 'Demo@2026' },
  admin: { phone: '13900000000', password: process.env.BOOTSTRAP_ADMIN_PASSWORD || 'Admin@12345' },
};

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

async function waitForHealth(base, child) {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`the server stopped (exit ${child.exitCode})`);
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the server did not answer /api/health');
}

/** Chinese text needs a CJK font in Chromium; Debian's small WenQuanYi Micro Hei will do. */
function ensureCjkFont() {
  const fc = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' });
  if (fc.status === 0 && fc.stdout.trim()) return;
  if (process.getuid?.() !== 0)
    throw new Error('No Chinese font: run `sudo apt-get install -y fonts-wqy-microhei` and try again.');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'fonts-wqy-microhei'], {
    stdio: 'inherit',
    env,
  });
}

ensureFerretdb();
ensureH5Built();
ensureCjkFont();
fs.mkdirSync(OUT, { recursive: true });
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-shots-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const server = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), [path.join(root, 'bff/src/server.ts')], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
  env: {
    ...process.env,
    SEED_DEMO: '1',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  },
});

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});

/** Only visible nodes: Taro's H5 router keeps earlier pages in the DOM, hidden. */
const vis = (l) => l.filter({ visible: true }).first();
const btn = (page, name) => vis(page.getByRole('button', { name, exact: true }));
const btnStarting = (page, name) =>
  vis(page.locator(`taro-button-core[role="button"][aria-label^="${name}"]`));

async function signedIn(who, viewport = { width: 390, height: 844 }) {
  const context = await browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await btn(page, '去登录').click();
  await vis(page.locator('taro-input-core input[placeholder="请输入手机号"]')).fill(who.phone);
  await vis(page.locator('taro-input-core input[placeholder="请输入密码"]')).fill(who.password);
  await btn(page, '登录').click();
  await vis(page.getByText('退出登录', { exact: true })).waitFor();
  return { page, close: () => context.close() };
}

async function shot(page, name, fullPage = true) {
  await page.evaluate('document.fonts.ready');
  await page.waitForTimeout(300);
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage });
  process.stdout.write(`  ${path.relative(root, file)}\n`);
}

try {
  await waitForHealth(base, server);
  process.stdout.write(`Taking screenshots from ${base}\n`);

  // The elder: home, booking with its price breakdown, 我的订单.
  const elder = await signedIn(DEMO.elder);
  await btn(elder.page, '订明天午餐').click();
  await vis(elder.page.locator('.meal__dish')).waitFor();
  const plus = elder.page
    .locator('.meal__dish .meal__step')
    .filter({ hasText: '+' })
    .filter({ visible: true });
  await plus.nth(0).click();
  await plus.nth(2).click();
  await vis(elder.page.locator('.meal__payable-amount')).waitFor();
  // The price breakdown and the confirm button, as she sees them before the last tap.
  await vis(elder.page.locator('.meal__confirm')).scrollIntoViewIfNeeded();
  await shot(elder.page, 'elder-booking', false);
  await btn(elder.page, '确认订餐').click();
  await vis(elder.page.getByText('订餐成功', { exact: true })).waitFor();
  await btn(elder.page, '返回首页').click();
  // Home, now with 「和上次一样」.
  await btnStarting(elder.page, '和上次一样').waitFor();
  await shot(elder.page, 'elder-home', false);
  await btn(elder.page, '我的订单').click();
  await vis(elder.page.locator('.orders__code')).waitFor();
  await shot(elder.page, 'elder-my-orders', false);
  await elder.close();

  // The worker: batch booking with each elder's price.
  const worker = await signedIn(DEMO.worker);
  await btn(worker.page, '批量订餐').click();
  const elders = worker.page
    .locator('.section')
    .first()
    .locator('taro-button-core')
    .filter({ visible: true });
  await elders.first().waitFor();
  for (let i = 0; i < 3; i++) await elders.nth(i).click();
  const canteenBtn = worker.page
    .locator('.section')
    .nth(1)
    .locator('taro-button-core')
    .filter({ visible: true });
  await canteenBtn.first().click();
  await btnStarting(worker.page, '午餐').click();
  await vis(worker.page.locator('.batch__dish taro-button-core[aria-label^="加一份"]')).click();
  await vis(worker.page.locator('.batch__price-value').filter({ hasText: '应付' })).waitFor();
  await vis(worker.page.locator('.batch__price')).scrollIntoViewIfNeeded();
  await shot(worker.page, 'worker-batch-booking', false);
  await worker.close();

  // Canteen staff: the counter.
  const staff = await signedIn(DEMO.staff);
  await btn(staff.page, '食堂柜台').click();
  await vis(staff.page.locator('taro-input-core input')).waitFor();
  await staff.page.waitForTimeout(500);
  await shot(staff.page, 'staff-counter');
  await staff.close();

  // The district office: 辖区数据 on a PC screen (1366 wide), 近30天, once every chart is drawn.
  const admin = await signedIn(DEMO.admin, { width: 1366, height: 768 });
  await btn(admin.page, '辖区数据').click();
  await btn(admin.page, '近30天').click();
  const charts = admin.page.locator('.chart__canvas canvas').filter({ visible: true });
  for (let i = 0; i < 100 && (await charts.count()) < 6; i++) await admin.page.waitForTimeout(100);
  // The page scrolls inside Taro's page element: a taller window shows the charts below the fold.
  await admin.page.setViewportSize({ width: 1366, height: 1500 });
  await admin.page.waitForTimeout(800);
  await shot(admin.page, 'admin-dashboard', false);
  await admin.close();
} finally {
  await browser.close();
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  fs.rmSync(dataDir, { recursive: true, force: true });
}
