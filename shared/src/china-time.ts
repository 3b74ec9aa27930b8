/**
 * Calendar dates and cut-offs are China time (Asia/Shanghai, UTC+8, no daylight saving)
 * whatever the server's TZ. dayjs' timezone plugin does the conversion.
 */
import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);
dayjs.extend(timezone);

export const CHINA_TZ = 'Asia/Shanghai';

/** The China calendar date (YYYY-MM-DD) of an instant. */
export function chinaDate(at: Date = new Date()): string {
  return dayjs(at).tz(CHINA_TZ).format('YYYY-MM-DD');
}

/** The instant of `HH:mm` China time on a China calendar date, optionally `daysBefore` days earlier. */
export function chinaInstant(date: string, time: string, daysBefore = 0): Date {
  return dayjs.tz(`${date} ${time}`, 'YYYY-MM-DD HH:mm', CHINA_TZ).subtract(daysBefore, 'day').toDate();
}

export function addDays(date: string, days: number): string {
  return dayjs.tz(date, 'YYYY-MM-DD', CHINA_TZ).add(days, 'day').format('YYYY-MM-DD');
}

/** The China calendar month (YYYY-MM) of an instant. */
export function chinaMonth(at: Date = new Date()): string {
  return dayjs(at).tz(CHINA_TZ).format('YYYY-MM');
}
