/** Debian's Chromium through playwright-core (never a browser download), and helpers the H5 tests share. */
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

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
