/**
 * Standing orders (长期订餐), the pure part shared by the BFF (scheduler, forecast) and the
 * mini-program (the plain summary). No zod, no dayjs: the mini-program bundles this file.
 *
 * Weekdays are ISO numbers: 1 = Monday … 7 = Sunday (China time calendar dates).
 */
import { SLOT_LABELS } from './labels';

export type StandingSlot = 'breakfast' | 'lunch' | 'dinner';
export type StandingFulfilment = 'dine_in' | 'take_away' | 'delivery';

/**
 * One line of a standing order. `fallback` says what to order when `dishId` is not on
 * that day's menu (canteens rotate dishes, so a weekly order often meets a day without it):
 *  - 'set_meal': the day's set meal, i.e. the first dish of that day's menu. Canteens list
 *    the day's 套餐 first; it is the one dish an elder can always count on, and the staff
 *    decide what it is (we never guess from prices or names);
 *  - 'skip': leave that line out that day (the other lines are still ordered).
 * A dish that is on the menu but sold out is not replaced: the order fails as sold out and
 * the family and worker are told (an elder who asked for fish should not silently get pork).
 */
export interface StandingItem {
  dishId: string;
  name?: string;
  qty: number;
  fallback: 'set_meal' | 'skip';
}

export interface MenuLine {
  dishId: string;
  name: string;
}

export interface ResolvedLine {
  dishId: string;
  name: string;
  qty: number;
  /** true when this is the set meal standing in for the dish asked for */
  substituted: boolean;
}

/**
 * What a standing order orders on a day with `menu` (that meal's dishes in menu order).
 * Lines that land on the same dish are merged (the order API wants distinct dishes).
 */
export function resolveStandingItems(items: StandingItem[], menu: MenuLine[]): ResolvedLine[] {
  const out: ResolvedLine[] = [];
  for (const item of items) {
    const onMenu = menu.find((m) => m.dishId === item.dishId);
    const pick = onMenu ?? (item.fallback === 'set_meal' ? menu[0] : undefined);
    if (!pick) continue;
    const same = out.find((l) => l.dishId === pick.dishId);
    if (same) same.qty = Math.min(10, same.qty + item.qty);
    else out.push({ dishId: pick.dishId, name: pick.name, qty: item.qty, substituted: !onMenu });
  }
  return out;
}

/** ISO weekday (1 = Monday … 7 = Sunday) of a YYYY-MM-DD calendar date. */
export function isoWeekday(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const day = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return day === 0 ? 7 : day;
}

export interface Pause {
  id: string;
  from: string;
  to: string;
}

/** Whether `date` falls in one of the pauses (both ends included). */
export function isPausedOn(pauses: Pause[], date: string): boolean {
  return pauses.some((p) => p.from <= date && date <= p.to);
}

const DAY_NAMES = ['', '一', '二', '三', '四', '五', '六', '日'];

/**
 * Weekdays as people say them: 每天, 每周一至周五, 每周六、周日, 每周一、三、五, 每周二至周四.
 * A run of three or more days reads as a range.
 */
export function weekdaysText(weekdays: number[]): string {
  const days = [...new Set(weekdays)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  if (days.length === 7) return '每天';
  if (days.length === 0) return '';
  const parts: string[] = [];
  for (let i = 0; i < days.length;) {
    let j = i;
    while (j + 1 < days.length && days[j + 1] === days[j] + 1) j++;
    if (j - i >= 2) parts.push(`周${DAY_NAMES[days[i]]}至周${DAY_NAMES[days[j]]}`);
    else for (let k = i; k <= j; k++) parts.push(`周${DAY_NAMES[days[k]]}`);
    i = j + 1;
  }
  return `每${parts.join('、')}`;
}

const FULFILMENT_WORDS: Record<StandingFulfilment, string> = {
  dine_in: '堂食',
  take_away: '自取',
  delivery: '送餐',
};

/** 「每周一至周五 午餐 · 清蒸鲈鱼 · 堂食」 (quantities above one shown as ×2). */
export function standingOrderSummary(o: {
  weekdays: number[];
  slot: StandingSlot;
  items: { name?: string; qty: number }[];
  fulfilment: StandingFulfilment;
}): string {
  const dishes = o.items.map((i) => `${i.name ?? '菜品'}${i.qty > 1 ? `×${i.qty}` : ''}`).join('、');
  return `${weekdaysText(o.weekdays)} ${SLOT_LABELS[o.slot]} · ${dishes} · ${FULFILMENT_WORDS[o.fulfilment]}`;
}
