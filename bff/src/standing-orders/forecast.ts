/**
 * The kitchen forecast: for one canteen and day, per meal, the portions to cook by dish and
 * the meals by diet note (低盐, 软食…), from
 *  - the placed orders (not cancelled) of that day — one read keyed `canteenDay`;
 *  - plus the standing orders that will still become orders: active that weekday, not
 *    paused, meal not yet past its cut-off, and not materialised yet (no placed run for
 *    that elder, day and meal) — one read keyed `canteenId`, one run read per order by `_id`.
 * Pending standing orders count the dishes the scheduler would order (the same
 * `resolveStandingItems`; before the menu is published, the dishes as set up).
 */
import { addDays, chinaDate, isPausedOn, resolveStandingItems, SLOTS, type Slot } from '@yiyangtong/shared';
import { Elder, type ElderDoc } from '../elders/model';
import { getMenu } from '../menus/cache';
import { menuId } from '../menus/model';
import type { CanteenDoc } from '../places/model';
import { runId, StandingOrder, StandingRun, type StandingOrderDoc, type StandingRunDoc } from './model';
import { handBooked, wantsMeal } from './scheduler';
import { slotCutoff } from '../places/service';
import { objectIdOrNull } from '../db/ids';
import { ordersOfCanteenDay } from '../orders/queries';

interface DishCount {
  dishId: string;
  name: string;
  placed: number;
  standing: number;
  total: number;
}

export async function forecastDay(canteen: CanteenDoc, date: string, now: Date) {
  const canteenId = String(canteen._id);
  const [orders, standing] = await Promise.all([
    ordersOfCanteenDay(canteenId, date),
    StandingOrder.find({ canteenId, status: 'active' }).limit(10_000).lean<StandingOrderDoc[]>(),
  ]);
  const offered = SLOTS.filter((s) => canteen.slots.some((c) => c.slot === s));

  // Standing orders still to become orders on this date.
  const candidates = standing.filter(
    (o) =>
      offered.includes(o.slot as Slot) &&
      wantsMeal(o, date) &&
      !isPausedOn(o.pauses ?? [], date) &&
      now.getTime() < slotCutoff(canteen, date, o.slot as Slot)!.getTime(),
  );
  const runs = await Promise.all(
    candidates.map((o) =>
      StandingRun.findById(runId(o.elderId, date, o.slot as Slot)).lean<StandingRunDoc>(),
    ),
  );
  // Not pending: placed already (its order is counted above, or was cancelled), or the
  // elder's meal belongs to another standing order.
  // An order carrying the standing order's id is materialised too (a crash may have come
  // between placing it and recording the run).
  const materialised = new Set(orders.map((o) => o.standingOrderId).filter(Boolean));
  const byHand = handBooked(orders); // the scheduler adds no second meal to these
  const pending = candidates.filter((o, i) => {
    const run = runs[i];
    if (materialised.has(String(o._id)) || byHand.has(`${o.elderId}:${o.slot}`)) return false;
    return !run || (run.standingOrderId === String(o._id) && run.status !== 'placed');
  });

  const live = orders.filter((o) => o.status !== 'cancelled');
  const elderIds = [...new Set([...live.map((o) => o.elderId), ...pending.map((o) => o.elderId)])];
  const elders = new Map<string, ElderDoc>();
  await Promise.all(
    elderIds.map(async (id) => {
      const oid = objectIdOrNull(id);
      const e = oid && (await Elder.findById(oid).lean<ElderDoc>());
      if (e) elders.set(id, e);
    }),
  );

  const slots = await Promise.all(
    offered.map(async (slot) => {
      const menu = await getMenu(menuId(canteenId, date, slot));
      const dishes = new Map<string, DishCount>();
      const count = (dishId: string, name: string, qty: number, kind: 'placed' | 'standing') => {
        const d = dishes.get(dishId) ?? { dishId, name, placed: 0, standing: 0, total: 0 };
        d[kind] += qty;
        d.total += qty;
        dishes.set(dishId, d);
      };
      const diet = new Map<string, number>();
      const meal = (elderId: string) => {
        for (const note of new Set(elders.get(elderId)?.diet ?? []))
          diet.set(note, (diet.get(note) ?? 0) + 1);
      };
      const placedHere = live.filter((o) => o.slot === slot);
      for (const o of placedHere) {
        for (const i of o.items) count(i.dishId, i.name, i.qty, 'placed');
        meal(o.elderId);
      }
      const pendingHere = pending.filter((o) => o.slot === slot);
      for (const o of pendingHere) {
        const lines = menu
          ? resolveStandingItems(o.items, menu.items)
          : o.items.map((i) => ({ dishId: i.dishId, name: i.name ?? '', qty: i.qty }));
        if (!lines.length) continue;
        for (const l of lines) count(l.dishId, l.name, l.qty, 'standing');
        meal(o.elderId);
      }
      // Menu order first (what the kitchen reads down), then anything not on the menu.
      const order = (menu?.items ?? []).map((i) => i.dishId);
      const rank = (id: string) => (order.indexOf(id) < 0 ? order.length : order.indexOf(id));
      return {
        slot,
        cutoffAt: slotCutoff(canteen, date, slot)!.toISOString(),
        menuPublished: Boolean(menu && menu.items.length),
        meals: {
          placed: placedHere.length,
          standing: pendingHere.length,
          total: placedHere.length + pendingHere.length,
        },
        dishes: [...dishes.values()].sort(
          (a, b) => rank(a.dishId) - rank(b.dishId) || a.name.localeCompare(b.name),
        ),
        diet: [...diet.entries()]
          .map(([note, n]) => ({ note, count: n }))
          .sort((a, b) => b.count - a.count || a.note.localeCompare(b.note)),
      };
    }),
  );
  return { date, slots };
}

/** The dates a forecast covers: the one asked for, else tomorrow and the day after. */
export function forecastDates(date: string | undefined, now: Date): string[] {
  if (date) return [date];
  const today = chinaDate(now);
  return [addDays(today, 1), addDays(today, 2)];
}
