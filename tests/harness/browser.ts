/** Debian's Chromium through playwright-core (never a browser download), and helpers the H5 tests share. */
import { readFileSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { recordPersonalData } from './personal-data';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A phone-sized page (390×844, zh-CN) that records any dialog instead of showing it. */
export interface PhonePage {
  page: Page;
  dialogs: string[];
  close(): Promise<void>;
}

export function openPhonePage(browser: Browser): Promise<PhonePage> {
  return openPageAt(browser, { width: 390, height: 844 });
}

/** A page at any screen size (a PC at 1366×768, a small phone), recording what it sends and any dialog. */
export async function openPageAt(
  browser: Browser,
  viewport: { width: number; height: number },
  opts: { acceptDownloads?: boolean } = {},
): Promise<PhonePage> {
  const context = await browser.newContext({ viewport, locale: 'zh-CN', ...opts });
  const page = await context.newPage();
  const dialogs: string[] = [];
  // What the app sends (an ID number typed in a form…) is test data the log scan looks for.
  page.on('request', (r) => recordPersonalData(`${r.url()}\n${r.postData() ?? ''}`));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  return { page, dialogs, close: () => context.close() };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

// Taro's H5 router keeps earlier pages in the DOM (hidden), so only look at visible nodes.
export const visible = (l: Locator) => l.filter({ visible: true }).first();

// Taro H5 renders <Input> as <taro-input-core placeholder=…> wrapping a real <input placeholder=…>.
export const field = (page: Page, placeholder: string) =>
  visible(page.locator(`taro-input-core input[placeholder="${placeholder}"]`));

/** Smallest computed font-size (px) of visible elements that hold text directly. */
export async function smallestTextSize(page: Page): Promise<{ size: number; text: string }> {
  return page.evaluate(() => {
    let min = { size: Infinity, text: '' };
    const all = Array.from(document.querySelectorAll('body *')) as HTMLElement[];
    for (const el of all) {
      const own = Array.from(el.childNodes)
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent ?? '')
        .join('')
        .trim();
      if (!own) continue;
      const rect = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (rect.width === 0 || rect.height === 0 || style.visibility === 'hidden') continue;
      if (el.closest('script,style,noscript,head')) continue;
      const size = parseFloat(style.fontSize);
      if (size < min.size) min = { size, text: own.slice(0, 40) };
    }
    return min;
  });
}

export async function expectTall(l: Locator, what: string): Promise<void> {
  const box = await l.boundingBox();
  expect({ what, ok: box !== null && box.height >= 48, height: box?.height }).toEqual({
    what,
    ok: true,
    height: box?.height,
  });
}

/** Contrast ratio (WCAG) of an element's text colour on its (first opaque) background. */
export async function contrastOf(l: Locator): Promise<number> {
  return l.evaluate((el) => {
    const rgba = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const x = v / 255;
        return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    let bgEl: Element | null = el;
    let bg = [255, 255, 255, 1];
    while (bgEl) {
      const c = rgba(getComputedStyle(bgEl).backgroundColor);
      if (c.length >= 3 && (c[3] ?? 1) === 1) {
        bg = c;
        break;
      }
      bgEl = bgEl.parentElement;
    }
    const fg = rgba(getComputedStyle(el).color);
    const a = fg[3] ?? 1; // blend a translucent text colour over the background
    const mixed = [0, 1, 2].map((i) => fg[i] * a + bg[i] * (1 - a));
    const [l1, l2] = [lum(mixed), lum(bg)].sort((x, y) => y - x);
    return (l1 + 0.05) / (l2 + 0.05);
  });
}

export async function expectNoPopups(o: { page: Page; dialogs: string[] }): Promise<void> {
  expect(o.dialogs).toEqual([]);
  const popups = o.page.locator(
    '[role="dialog"], [role="alertdialog"], dialog[open], .taro__modal, .taro__mask, .taro-modal__mask, .taro__toast',
  );
  expect(await popups.filter({ visible: true }).count()).toBe(0);
}

export async function expectText(l: Locator, s: string): Promise<void> {
  await l.waitFor();
  for (let i = 0; i < 50; i++) {
    if ((await l.innerText().catch(() => '')).includes(s)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await l.innerText()).toContain(s);
}

/** Waits until the node's whole text is exactly `s`, then asserts it. */
export async function hasText(l: Locator, s: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await l.innerText().catch(() => '')).trim() === s) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect((await l.innerText()).trim()).toBe(s);
}

/**
 * axe-core (npm, injected into the page) on what is visible now: returns the serious and
 * critical violations as short lines (rule: target), [] when clean. Taro H5 keeps earlier
 * pages hidden in the DOM; axe skips hidden nodes itself.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  const has = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  // Evaluated rather than added as a <script>: the BFF's CSP (script-src 'self') blocks inline scripts.
  if (!has) await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: any }).axe;
    const res = await axe.run(document, { resultTypes: ['violations'] });
    const lines: string[] = [];
    for (const v of res.violations) {
      if (v.impact !== 'serious' && v.impact !== 'critical') continue;
      for (const n of v.nodes)
        lines.push(`${v.id} (${v.impact}): ${n.target.join(' ')} ${n.html.slice(0, 80)}`);
    }
    return lines;
  });
}

export async function expectAxeClean(page: Page, what: string): Promise<void> {
  expect({ what, violations: await axeViolations(page) }).toEqual({ what, violations: [] });
}

/**
 * Every visible tappable Taro button says it is a button and has words to say
 * (role="button" and a non-empty accessible name), and is at least 48px tall.
 */
export async function expectButtonsAnnounced(page: Page): Promise<void> {
  const bad = await page.evaluate(() => {
    const out: string[] = [];
    for (const el of Array.from(document.querySelectorAll('taro-button-core')) as HTMLElement[]) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      const name = (el.getAttribute('aria-label') || el.innerText || '').trim();
      if (el.getAttribute('role') !== 'button' || !name || r.height < 48)
        out.push(`${el.outerHTML.slice(0, 100)} role=${el.getAttribute('role')} h=${r.height}`);
    }
    return out;
  });
  expect(bad).toEqual([]);
}

/** Counts the taps a person makes (clicks through this helper), for journeys with a tap budget. */
export class TapCounter {
  count = 0;
  async tap(l: Locator): Promise<void> {
    await l.click();
    this.count += 1;
  }
}

/** Visible text, exactly. */
export const textOn = (page: Page, s: string) => visible(page.getByText(s, { exact: true }));
/** A visible button by its spoken name, exactly (role="button" + aria-label). */
export const buttonNamed = (page: Page, name: string) =>
  visible(page.getByRole('button', { name, exact: true }));
/** A visible button whose spoken name starts with `name` (choices add their detail, e.g. 「明天 12月2日 周三」). */
export const buttonStarting = (page: Page, name: string) =>
  visible(page.locator(`taro-button-core[role="button"][aria-label^="${name}"]`));

/** The checks every page gets: axe (no serious/critical), buttons announced, text ≥ 18px. */
export async function checkPage(page: Page, what: string): Promise<void> {
  await expectAxeClean(page, what);
  await expectButtonsAnnounced(page);
  expect({ what, size: (await smallestTextSize(page)).size >= 18 }).toEqual({ what, size: true });
}

/** Signs in from the home page as a person would; waits for the greeting. */
export async function signIn(
  page: Page,
  baseUrl: string,
  user: { phone: string; password: string; name: string },
): Promise<void> {
  await page.goto(`${baseUrl}/`);
  await textOn(page, '去登录').click();
  await field(page, '请输入手机号').fill(user.phone);
  await field(page, '请输入密码').fill(user.password);
  await textOn(page, '登录').click();
  await textOn(page, `您好，${user.name}`).waitFor();
}

/** Waits until a choice button is (or is not) the chosen one (aria-pressed), then asserts it. */
export async function expectPressed(l: Locator, pressed: boolean): Promise<void> {
  const want = pressed ? 'true' : 'false';
  for (let i = 0; i < 50; i++) {
    if ((await l.getAttribute('aria-pressed').catch(() => null)) === want) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await l.getAttribute('aria-pressed')).toBe(want);
}

/** Waits until a text field's value is exactly `v`, then asserts it. */
export async function hasValue(l: Locator, v: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    if ((await l.inputValue({ timeout: 200 }).catch(() => '')) === v) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(await l.inputValue()).toBe(v);
}

/** No sideways scroll, measured once a newly opened page has finished sliding in from the right. */
export async function expectNoSideScroll(page: Page, what: string): Promise<void> {
  const overflowNow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  let overflow = await overflowNow();
  for (let i = 0; i < 30 && overflow > 0; i++) {
    await page.waitForTimeout(100);
    overflow = await overflowNow();
  }
  expect({ what, overflow: overflow <= 0 }).toEqual({ what, overflow: true });
}
