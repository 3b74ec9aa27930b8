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

export type DeliveryOutcome = 'delivered' | 'not_home' | 'unwell';

export const DELIVERY_OUTCOME_LABELS: Record<DeliveryOutcome, string> = {
  delivered: '已送达',
  not_home: '无人应门',
  unwell: '身体不适',
};

/** One meal to take to an elder's home (GET /api/canteens/:id/deliveries). */
export interface Delivery {
  orderId: string;
  elderId: string;
  elderName: string;
  date: string;
  slot: Slot;
  address: string;
  /** whole: the courier calls from the door */
  phone?: string;
  dietNotes: string;
  /** 「清蒸鲈鱼 ×1、米饭 ×2」 */
  items: string;
  payment: { method: 'card' | 'counter'; amount: number; status: string };
  status: OrderStatus;
  delivery?: { outcome: DeliveryOutcome; at: string; by: { name?: string }; notes?: string };
  /** The alarm raised by 无人应门 / 身体不适 (only on the answer to the POST). */
  alarm?: { id: string; created: boolean };
}

export const deliveryApi = {
  list: (canteenId: string, date: string, slot: Slot) =>
    request<{ items: Delivery[] }>(
      'GET',
      `/api/canteens/${encodeURIComponent(canteenId)}/deliveries?date=${date}&slot=${slot}`,
    ),
  mark: (orderId: string, outcome: DeliveryOutcome) =>
    request<Delivery>('POST', `/api/meal-orders/${encodeURIComponent(orderId)}/delivery`, { outcome }),
};
