/**
 * The WeChat build (miniapp/dist, built by `npm test` before jest runs): every page of
 * app.json is in place, the role pages are in subpackages, and the main package — what an
 * elder downloads before the first screen — stays ≤ 512 KB (WeChat's cap is 2 MB).
 */
import fs from 'node:fs';
import path from 'node:path';

const DIST = path.resolve(__dirname, '../../miniapp/dist');
const MAIN_LIMIT = 512 * 1024;

interface AppJson {
  pages: string[];
  subPackages?: { root: string; pages: string[] }[];
}

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}

const app: AppJson = fs.existsSync(path.join(DIST, 'app.json'))
  ? JSON.parse(fs.readFileSync(path.join(DIST, 'app.json'), 'utf8'))
  : { pages: [] };

test('the weapp build exists (npm run build:weapp)', () => {
  expect(fs.existsSync(path.join(DIST, 'app.json'))).toBe(true);
});

test('every page of app.json is built (js, wxml, json), main package and subpackages', () => {
  const all = [...app.pages, ...(app.subPackages ?? []).flatMap((s) => s.pages.map((p) => `${s.root}/${p}`))];
  expect(all).toEqual(
    expect.arrayContaining([
      'pages/index/index',
      'pages/login/login',
      'pages/meal-booking/meal-booking',
      'pages/my-orders/my-orders',
      'pages/canteen-counter/canteen-counter',
      'packages/family/home/home',
      'packages/worker/elders/elders',
      'packages/worker/register/register',
      'packages/worker/batch/batch',
      'packages/staff/menu/menu',
      'packages/admin/rules/rules',
      'packages/admin/settlement/settlement',
      'packages/admin/figures/figures',
      'packages/worker/desk/desk',
      'packages/provider/visits/visits',
      'pages/home-services/home-services',
      'pages/sos/sos',
      'pages/notifications/notifications',
      'pages/standing-orders/standing-orders',
      'packages/family/standing/standing',
      'packages/worker/standing/standing',
      'packages/staff/forecast/forecast',
    ]),
  );
  const missing = all.flatMap((p) =>
    ['js', 'wxml', 'json'].map((ext) => `${p}.${ext}`).filter((f) => !fs.existsSync(path.join(DIST, f))),
  );
  expect(missing).toEqual([]);
  // The elder's pages are in the main package; role pages are not.
  expect(app.pages).toEqual(
    expect.arrayContaining([
      'pages/index/index',
      'pages/meal-booking/meal-booking',
      'pages/my-orders/my-orders',
    ]),
  );
  expect(app.pages.some((p) => p.startsWith('packages/'))).toBe(false);
});

test('the main package is at most 512 KB', () => {
  const roots = (app.subPackages ?? []).map((s) => path.join(DIST, s.root) + path.sep);
  const main = files(DIST).filter((f) => !roots.some((r) => f.startsWith(r)));
  const bytes = main.reduce((sum, f) => sum + fs.statSync(f).size, 0);
  process.stdout.write(`weapp main package: ${bytes} bytes (${(bytes / 1024).toFixed(1)} KB)\n`);
  expect(bytes).toBeGreaterThan(0);
  expect(bytes).toBeLessThanOrEqual(MAIN_LIMIT);
});
