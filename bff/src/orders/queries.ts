/**
 * The meal-order lists, each an equality lookup on one of the order's keys (orderKeys):
 * on the embedded FerretDB only those reach an index, and none of them sorts, so "newest
 * first" walks days (a scope's day sheet) or months (an elder's) from the future backwards
 * until the page is full. Each step reads only that day's or month's orders.
 */
import { chinaDate } from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { byIdDesc, daysNewestFirst, monthsNewestFirst, walkNewestFirst } from '../db/newest-first';
import { loadElderFor, visibleElderIds } from '../elders/access';
import { daySheetReads, MealOrder, orderKeys, type MealOrderDoc } from './model';

export const ORDER_PAGE = 200;
/** How far ahead bookings are looked for when no date is given (menus are published ~a week ahead). */
const DAYS_AHEAD = 60;
const DAYS_BACK = 60;
const MONTHS_BACK = 24;

type Filter = Record<string, unknown>;

const find = (filter: Filter, limit = ORDER_PAGE) =>
  MealOrder.find(filter).limit(limit).lean<MealOrderDoc[]>();
// A step is one day or month: read whole (bounded), so that its newest come first.
const walk = (steps: Filter[]) => walkNewestFirst(steps, (f) => find(f, 5000), ORDER_PAGE);

/** One elder's orders (optionally of one date), newest first, within `scope`. */
async function ordersOfElder(elderId: string, date: string | undefined, scope: Filter, today: string) {
  if (date) {
    const { elderMonth } = orderKeys({ elderId, date, canteenId: '', communityId: '' });
    return (await find({ ...scope, elderMonth, date })).sort(byIdDesc);
  }
  return walk(
    monthsNewestFirst(today, DAYS_AHEAD, MONTHS_BACK + 3).map((month) => ({
      ...scope,
      elderMonth: `${elderId}:${month}`,
    })),
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
  const steps = daysNewestFirst(today, DAYS_AHEAD, DAYS_BACK).map((d) => dayKey(actor, d));
  return steps.every(Boolean) ? walk(steps as Filter[]) : [];
}

// The keyed reads other domains use: they ask for "this canteen's day" and never build a key.

/** A canteen's orders of one date (optionally one slot), oldest first: day sheet, deliveries, forecast. */
export async function ordersOfCanteenDay(canteenId: string, date: string, slot?: string) {
  const orders = await daySheetReads.read(`${canteenId}:${date}:${slot ?? ''}`, async () =>
    (await find({ canteenDay: `${canteenId}:${date}`, ...(slot ? { slot } : {}) }, 10_000)).sort((a, b) =>
      String(a._id).localeCompare(String(b._id)),
    ),
  );
  return [...orders]; // callers sort and filter their own copy
}

/** The order with this 取餐码 on a canteen's day (codes are unique per canteen and day). */
export const orderByPickupCode = (canteenId: string, date: string, code: string) =>
  MealOrder.findOne({ canteenDay: `${canteenId}:${date}`, pickupCode: code }).lean<MealOrderDoc>();

/** A canteen's orders of one month (YYYY-MM, by meal date): the settlement. */
export const ordersOfCanteenMonth = (canteenId: string, month: string) =>
  MealOrder.find({ canteenMonth: `${canteenId}:${month}` }).lean<MealOrderDoc[]>();

/** An elder's orders of one month (YYYY-MM, by meal date). */
export const ordersOfElderMonth = (elderId: string, month: string) =>
  find({ elderMonth: `${elderId}:${month}` }, 5000);
