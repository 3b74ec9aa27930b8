/**
 * China time (Asia/Shanghai) for the BFF and the mini-program alike: calendar dates and
 * cut-offs are China time whatever the server's or the phone's time zone. Asia/Shanghai has
 * been UTC+08:00 all year since 1991 (no daylight saving), so China wall-clock time is the UTC
 * fields of (instant + 8 h): plain arithmetic, exact for every date we handle (a unit test
 * checks it against the tz database), no Intl lookup, and no library in the mini-program.
 */

export const CHINA_TZ = 'Asia/Shanghai';

const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 24 * 3600_000;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

function toMs(at: string | number | Date): number {
  if (typeof at === 'number') return at;
  if (at instanceof Date) return at.getTime();
  return Date.parse(at);
}

/** Shifted so that the UTC getters read China wall-clock time; null for an invalid instant. */
function chinaClock(at: string | number | Date): Date | null {
  const ms = toMs(at);
  return Number.isFinite(ms) ? new Date(ms + CHINA_OFFSET_MS) : null;
}

const ymd = (d: Date) => `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;

/** The China calendar date (YYYY-MM-DD) of an instant: "2026-11-30T16:00:00Z" → "2026-12-01" ('' if invalid). */
export function chinaDate(at: string | number | Date = new Date()): string {
  const d = chinaClock(at);
  return d ? ymd(d) : '';
}

/** The China calendar month (YYYY-MM) of an instant. */
export function chinaMonth(at: string | number | Date = new Date()): string {
  return chinaDate(at).slice(0, 7);
}

/** "2026-12-01T02:00:00.000Z" → "10:00" (China time; '' if invalid). */
export function chinaTime(at: string | number | Date): string {
  const d = chinaClock(at);
  return d ? `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}` : '';
}

/** The China wall-clock time of an instant, `YYYY-MM-DD HH:mm:ss` (files and logs people read). */
export function chinaDateTime(at: string | number | Date): string {
  const d = chinaClock(at);
  return d ? `${ymd(d)} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}` : '';
}

/** The instant of `HH:mm` China time on a China calendar date, optionally `daysBefore` days earlier. */
export function chinaInstant(date: string, time: string, daysBefore = 0): Date {
  // Plain UTC arithmetic: this runs for every slot of every menu read.
  const [y, mo, d] = date.split('-').map(Number);
  const [h, m] = time.split(':').map(Number);
  return new Date(Date.UTC(y, mo - 1, d - daysBefore, h, m) - CHINA_OFFSET_MS);
}

function parseDate(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}

/** Calendar arithmetic on YYYY-MM-DD strings: addDays("2026-12-31", 1) → "2027-01-01" ('' if malformed). */
export function addDays(date: string, days: number): string {
  const base = parseDate(date);
  return base === null ? '' : ymd(new Date(base + days * DAY_MS));
}

/** Whole days from date `a` to date `b` (b − a); NaN when either is malformed. */
export function daysBetween(a: string, b: string): number {
  const x = parseDate(a);
  const y = parseDate(b);
  return x === null || y === null ? NaN : Math.round((y - x) / DAY_MS);
}

const WEEKDAYS = ['周日', '周一', '周二', '周三', '周四', '周五', '周六'];

/** "2026-12-02" → "12月2日 周三" (the date itself if malformed). */
export function dateLabel(date: string): string {
  const base = parseDate(date);
  if (base === null) return date;
  const d = new Date(base);
  return `${d.getUTCMonth() + 1}月${d.getUTCDate()}日 ${WEEKDAYS[d.getUTCDay()]}`;
}
