/**
 * Calendar dates and cut-offs are China time (Asia/Shanghai) whatever the server's TZ.
 * Asia/Shanghai has been UTC+08:00 all year since 1991 (no daylight saving), so the hot
 * paths use dayjs' fixed `utcOffset(480)`, which is exact for every date we handle and
 * avoids an Intl time-zone lookup per call; a test checks it against the tz database.
 */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

export const CHINA_TZ = 'Asia/Shanghai';

const CHINA_OFFSET_MIN = 480;

/** The China calendar date (YYYY-MM-DD) of an instant. */
export function chinaDate(at: Date = new Date()): string {
  return dayjs(at).utcOffset(CHINA_OFFSET_MIN).format('YYYY-MM-DD');
}

/** The instant of `HH:mm` China time on a China calendar date, optionally `daysBefore` days earlier. */
export function chinaInstant(date: string, time: string, daysBefore = 0): Date {
  // Plain UTC arithmetic (exact for a fixed offset): this runs for every slot of every menu read.
  const [y, mo, d] = date.split('-').map(Number);
  const [h, m] = time.split(':').map(Number);
  return new Date(Date.UTC(y, mo - 1, d - daysBefore, h, m) - CHINA_OFFSET_MIN * 60_000);
}

export function addDays(date: string, days: number): string {
  return dayjs.utc(date, 'YYYY-MM-DD').add(days, 'day').format('YYYY-MM-DD');
}

/** The China calendar month (YYYY-MM) of an instant. */
export function chinaMonth(at: Date = new Date()): string {
  return dayjs(at).utcOffset(CHINA_OFFSET_MIN).format('YYYY-MM');
}

/** The China wall-clock time of an instant, `YYYY-MM-DD HH:mm:ss` (files and logs people read). */
export function chinaDateTime(at: Date): string {
  return dayjs(at).utcOffset(CHINA_OFFSET_MIN).format('YYYY-MM-DD HH:mm:ss');
}
