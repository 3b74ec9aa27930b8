/**
 * A canteen's day sheet, the pure part: how many of each dish to cook per slot (cancelled
 * orders left out) and how many orders are in each state. Used by the staff's order list.
 */
import type { MealOrderStatus } from './state-machine';

export interface DaySheetOrder {
  status: MealOrderStatus;
  slot: string;
  items: { dishId: string; name: string; qty: number }[];
}

export interface DishTotal {
  dishId: string;
  name: string;
  slot: string;
  qty: number;
}

export function daySheetFigures(orders: readonly DaySheetOrder[]): {
  totals: DishTotal[];
  counts: Record<MealOrderStatus, number>;
} {
  const totals = new Map<string, DishTotal>();
  const counts: Record<MealOrderStatus, number> = { placed: 0, confirmed: 0, served: 0, cancelled: 0 };
  for (const o of orders) {
    counts[o.status] += 1;
    if (o.status === 'cancelled') continue;
    for (const i of o.items) {
      const key = `${o.slot}:${i.dishId}`;
      const t = totals.get(key) ?? { dishId: i.dishId, name: i.name, slot: o.slot, qty: 0 };
      t.qty += i.qty;
      totals.set(key, t);
    }
  }
  return { totals: [...totals.values()], counts };
}
