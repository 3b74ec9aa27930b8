/** 送餐上门 endpoints (contract: "Care that reaches out"): only the staff subpackage imports this. */
import type { Slot } from '../format';
import type { OrderStatus } from './canteen';
import { request } from './client';

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
