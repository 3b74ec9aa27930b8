/**
 * Calendar-date helpers for 'YYYY-MM-DD' strings. No Date objects, no time zones:
 * a date string is a China calendar date and is compared as plain integers.
 */

export interface YMD {
  y: number;
  m: number;
  d: number;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

/** Parses a strict 'YYYY-MM-DD' calendar date, or returns null if it is malformed or does not exist. */
export function tryParseDate(s: unknown): YMD | null {
  if (typeof s !== 'string') return null;
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  return { y, m: mo, d };
}

export function isValidDate(s: unknown): s is string {
  return tryParseDate(s) !== null;
}

/** Parses a 'YYYY-MM-DD' date; throws RangeError if it is malformed or does not exist (e.g. 2023-02-29). */
export function parseDate(s: string, what = 'date'): YMD {
  const p = tryParseDate(s);
  if (!p)
    throw new RangeError(`invalid ${what}: ${JSON.stringify(s)} (expected an existing YYYY-MM-DD date)`);
  return p;
}

/** -1 / 0 / 1 comparison of two valid 'YYYY-MM-DD' dates (zero-padded, so string order = date order). */
export function compareDates(a: string, b: string): number {
  parseDate(a);
  parseDate(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Age in full years on `date`.
 *
 * The birthday is reached on the same month/day; a 29 February birthday counts as reached on
 * 1 March in non-leap years (so someone born 1956-02-29 turns 70 on 2026-03-01, not 2026-02-28).
 * Throws RangeError('birthDate after date') if the elder would not be born yet, and a RangeError
 * for malformed or non-existent dates.
 */
export function ageOn(birthDate: string, date: string): number {
  const b = parseDate(birthDate, 'birthDate');
  const t = parseDate(date, 'date');
  if (birthDate > date) throw new RangeError('birthDate after date');
  let bm = b.m;
  let bd = b.d;
  if (bm === 2 && bd === 29 && !isLeapYear(t.y)) {
    bm = 3;
    bd = 1;
  }
  const reached = t.m > bm || (t.m === bm && t.d >= bd);
  return t.y - b.y - (reached ? 0 : 1);
}
