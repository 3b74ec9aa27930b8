/**
 * The meal-order lists, each an equality lookup on one of the order's keys (orderKeys):
 * on the embedded FerretDB only those reach an index, and none of them sorts, so "newest
 * first" walks days (a scope's day sheet) or months (an elder's) from the future backwards
 * until the page is full. Each step reads only that day's or month's orders.
 */
import { addDays, chinaDate } from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { loadElderFor, visibleElderIds } from '../elders/access';
import { MealOrder, orderKeys, type MealOrderDoc } from './model';

export const ORDER_PAGE = 200;
/** How far ahead bookings are looked for when no date is given (menus are published ~a week ahead). */
const DAYS_AHEAD = 60;
const DAYS_BACK = 60;
const MONTHS_BACK = 24;

type Filter = Record<string, unknown>;

const find = (filter: Filter, limit = ORDER_PAGE) =>
  MealOrder.find(filter).limit(limit).lean<MealOrderDoc[]>();

/** Newest id first within one step (ids grow with creation time). */
const byIdDesc = (a: MealOrderDoc, b: MealOrderDoc) => String(b._id).localeCompare(String(a._id));

/** Runs `steps` in order, a few at a time, until `limit` orders are found. */
async function walk(steps: Filter[], limit: number): Promise<MealOrderDoc[]> {
  const found: MealOrderDoc[] = [];
  const batch = 6;
  for (let i = 0; i < steps.length && found.length < limit; i += batch) {
    const pages = await Promise.all(steps.slice(i, i + batch).map((f) => find(f, limit)));
    for (const page of pages) found.push(...page.sort(byIdDesc));
  }
  return found.slice(0, limit);
}

function daysNewestFirst(today: string): string[] {
  return Array.from({ length: DAYS_AHEAD + DAYS_BACK + 1 }, (_, i) => addDays(today, DAYS_AHEAD - i));
}

function monthsNewestFirst(today: string): string[] {
  const [y, m] = addDays(today, DAYS_AHEAD).split('-').map(Number);
  return Array.from({ length: MONTHS_BACK + 3 }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

/** One elder's orders (optionally of one date), newest first, within `scope`. */
async function ordersOfElder(elderId: string, date: string | undefined, scope: Filter, today: string) {
  if (date) {
    const { elderMonth } = orderKeys({ elderId, date, canteenId: '', communityId: '' });
    return (await find({ ...scope, elderMonth, date })).sort(byIdDesc);
  }
  return walk(
    monthsNewestFirst(today).map((month) => ({ ...scope, elderMonth: `${elderId}:${month}` })),
    ORDER_PAGE,
  );
}

/** The day-sheet key of a broad scope (admin: the whole district). */
function dayKey(actor: Actor, date: string): Filter | null {
  switch (actor.role) {
    case 'admin':
      return { date };
    case 'worker':
      return actor.communityId ? { communityDay: `${actor.communityId}:${date}` } : null;
    case 'canteen_staff':
      return actor.canteenId ? { canteenDay: `${actor.canteenId}:${date}` } : null;
    default:
      return null;
  }
}

/** `GET /api/meal-orders`: the caller's visible orders, newest first. */
export async function listVisibleOrders(
  actor: Actor,
  query: { elderId?: string; date?: string },
  now: Date,
): Promise<MealOrderDoc[]> {
  const today = chinaDate(now);
  if (query.elderId) {
    // Staff see their canteen's orders of any elder; everyone else must be able to see the elder.
    if (actor.role === 'canteen_staff') {
      if (!actor.canteenId) return [];
      return ordersOfElder(query.elderId, query.date, { canteenId: actor.canteenId }, today);
    }
    await loadElderFor(actor, query.elderId);
    return ordersOfElder(query.elderId, query.date, {}, today);
  }
  if (actor.role === 'family' || actor.role === 'elder') {
    const ids = await visibleElderIds(actor);
    const lists = await Promise.all(ids.map((id) => ordersOfElder(id, query.date, {}, today)));
    return lists
      .flat()
      .sort((a, b) => b.date.localeCompare(a.date) || byIdDesc(a, b))
      .slice(0, ORDER_PAGE);
  }
  if (query.date) {
    const key = dayKey(actor, query.date);
    return key ? (await find(key)).sort(byIdDesc) : [];
  }
  const steps = daysNewestFirst(today).map((d) => dayKey(actor, d));
  return steps.every(Boolean) ? walk(steps as Filter[], ORDER_PAGE) : [];
}
