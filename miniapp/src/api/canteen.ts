/** Canteen counter endpoints (contract: "Menus, discounts, meal orders", staff side). */
import type { Slot } from '../format';
import type { MealOrder } from './meals';
import { request } from './client';

export type OrderStatus = 'placed' | 'confirmed' | 'served' | 'cancelled';

export interface DishTotal {
  dishId: string;
  name: string;
  slot: Slot;
  qty: number;
}

export interface CanteenOrders {
  items: MealOrder[];
  /** Portions to cook per dish (cancelled orders left out), computed by the server. */
  totals: DishTotal[];
  counts: Record<OrderStatus, number>;
}

export const STATUS_LABELS: Record<OrderStatus, string> = {
  placed: '已下单',
  confirmed: '已确认',
  served: '已取餐',
  cancelled: '已取消',
};

export function statusLabel(s: string): string {
  return (STATUS_LABELS as Record<string, string>)[s] ?? s;
}

/** "红烧肉×2、米饭×1" */
export function itemsText(items: { name: string; qty: number }[]): string {
  return items.map((i) => `${i.name}×${i.qty}`).join('、');
}

export const canteenApi = {
  orders: (canteenId: string, date: string, slot: Slot) =>
    request<CanteenOrders>(
      'GET',
      `/api/canteens/${encodeURIComponent(canteenId)}/orders?date=${date}&slot=${slot}`,
    ),
  confirm: (orderId: string) =>
    request<MealOrder>('POST', `/api/meal-orders/${encodeURIComponent(orderId)}/confirm`, {}),
  pickup: (canteenId: string, code: string, date: string) =>
    request<MealOrder>('POST', `/api/canteens/${encodeURIComponent(canteenId)}/pickups`, { code, date }),
};
