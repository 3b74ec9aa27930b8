/**
 * "Newest first" without a sort the database can use: on the embedded FerretDB no sort is
 * pushed down, so a list over a growing collection is read a day (or a month) at a time,
 * each step an equality lookup on an indexed key, newest step first, until the page is full.
 */
import { addDays } from '@yiyangtong/shared';

type Filter = Record<string, unknown>;

/** Runs `steps` in order, a few at a time, until `limit` documents are found; each step newest id first. */
export async function walkNewestFirst<T extends { _id: unknown }>(
  steps: Filter[],
  find: (filter: Filter, limit: number) => Promise<T[]>,
  limit: number,
): Promise<T[]> {
  const found: T[] = [];
  const batch = 6;
  for (let i = 0; i < steps.length && found.length < limit; i += batch) {
    const pages = await Promise.all(steps.slice(i, i + batch).map((f) => find(f, limit)));
    for (const page of pages) found.push(...page.sort(byIdDesc));
  }
  return found.slice(0, limit);
}

/** Newest id first (ObjectIds grow with creation time). */
export const byIdDesc = (a: { _id: unknown }, b: { _id: unknown }) =>
  String(b._id).localeCompare(String(a._id));

/** China dates from `today + ahead` back to `today − back`, newest first. */
export function daysNewestFirst(today: string, ahead: number, back: number): string[] {
  return Array.from({ length: ahead + back + 1 }, (_, i) => addDays(today, ahead - i));
}

/** Months (YYYY-MM) from the one `ahead` days after `today` back `count` months, newest first. */
export function monthsNewestFirst(today: string, ahead: number, count: number): string[] {
  const [y, m] = addDays(today, ahead).split('-').map(Number);
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}
