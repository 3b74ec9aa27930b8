/**
 * Pure formatting helpers for the mini-program (no Taro, no React: unit-tested under jest).
 *
 * Money is integer fen everywhere in the API; it is only turned into 元 text here, with
 * integer arithmetic (no floating-point rounding).
 *
 * Times: the API sends instants as ISO 8601 and calendar dates as YYYY-MM-DD in China time.
 * Asia/Shanghai is UTC+08:00 all year (no daylight saving since 1991), so China wall-clock
 * time is the UTC fields of (instant + 8 h). Nothing here reads the device's time zone:
 * a phone set to another zone still sees 「10:00 截止」 for a 10:00 Beijing-time cut-off.
 */
import { SLOT_LABELS } from '@yiyangtong/shared/src/labels';

// China time lives in shared (one implementation for the BFF and the pages).
import { addDays, chinaDate, chinaTime, dateLabel, daysBetween } from '@yiyangtong/shared/src/china-time';
export { addDays, chinaDate, chinaTime, dateLabel, daysBetween };

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** 700 → "7.00", 1 → "0.01", -350 → "-3.50". */
export function fenToYuan(fen: number): string {
  if (!Number.isFinite(fen)) return '—';
  const whole = Math.round(fen);
  const sign = whole < 0 ? '-' : '';
  const abs = Math.abs(whole);
  return `${sign}${Math.floor(abs / 100)}.${pad2(abs % 100)}`;
}

/** 700 → "¥7.00", -300 → "-¥3.00". */
export function formatYuan(fen: number): string {
  if (!Number.isFinite(fen)) return '—';
  return fen < 0 ? `-¥${fenToYuan(-fen)}` : `¥${fenToYuan(fen)}`;
}

/** A discount of 300 fen → "−¥3.00" (a real minus sign, easier to read than a hyphen). */
export function formatDiscount(fen: number): string {
  return `−¥${fenToYuan(Math.abs(fen))}`;
}

export type Slot = 'breakfast' | 'lunch' | 'dinner';
export type Fulfilment = 'dine_in' | 'take_away' | 'delivery';
export type Funder = 'government' | 'canteen';

export { SLOT_LABELS };
export const FULFILMENT_LABELS: Record<Fulfilment, string> = {
  dine_in: '堂食',
  take_away: '自取',
  delivery: '送餐',
};
export const FUNDER_LABELS: Record<Funder, string> = { government: '政府补贴', canteen: '食堂优惠' };

export function slotLabel(slot: string): string {
  return (SLOT_LABELS as Record<string, string>)[slot] ?? slot;
}
export function fulfilmentLabel(f: string): string {
  return (FULFILMENT_LABELS as Record<string, string>)[f] ?? f;
}
export function funderLabel(f: string): string {
  return (FUNDER_LABELS as Record<string, string>)[f] ?? f;
}

/**
 * The booking cut-off of a meal as text, relative to the meal's date (China time):
 *   cutoffText('lunch', '2026-12-01', '2026-12-01T02:00:00.000Z') → "午餐 当天 10:00 截止"
 *   cutoffText('breakfast', '2026-12-01', '2026-11-30T12:00:00.000Z') → "早餐 前一天 20:00 截止"
 */
export function cutoffText(slot: string, mealDate: string, cutoffAt: string): string {
  const day = chinaDate(cutoffAt);
  const time = chinaTime(cutoffAt);
  if (!day || !time) return `${slotLabel(slot)} 截止时间未知`;
  const diff = daysBetween(mealDate, day);
  const when =
    diff === 0 ? '当天' : diff === -1 ? '前一天' : diff === -2 ? '前两天' : dateLabel(day).split(' ')[0];
  return `${slotLabel(slot)} ${when} ${time} 截止`;
}
