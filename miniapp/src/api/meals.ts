/** Meal booking endpoints (contract: "Menus, discounts, meal orders"). Money is integer fen. */
import type { Fulfilment, Slot } from '../format';
import { request } from './client';

export interface LngLat {
  lng: number;
  lat: number;
}

export interface Elder {
  id: string;
  name: string;
  address?: string;
  location?: LngLat;
  communityId?: string;
  /** masked by the server for everyone but admin */
  phone?: string;
}

export interface Canteen {
  id: string;
  name: string;
  address?: string;
  location?: LngLat;
  fulfilment: Fulfilment[];
  deliveryFee?: number;
  distanceM?: number;
  /** 暂停营业: takes no new orders */
  closed?: boolean;
  /** Each meal of today and tomorrow: 可订 / 已订完 / 已截止 (cut-off passed, no menu, paused). */
  upcoming?: UpcomingSlot[];
}

export type SlotAvailability = 'open' | 'sold_out' | 'closed';

export interface UpcomingSlot {
  date: string;
  slot: Slot;
  cutoffAt: string;
  availability: SlotAvailability;
}

export interface MenuItem {
  dishId: string;
  name: string;
  price: number;
  remaining: number;
  quota?: number;
}

export interface MenuSlot {
  slot: Slot;
  cutoffAt: string;
  items: MenuItem[];
}

export interface DayMenu {
  date: string;
  canteenId?: string;
  slots: MenuSlot[];
}

// The same types the BFF's pricing engine returns (type-only: nothing of shared/ is bundled).
import type { AppliedDiscount, Pricing } from '@yiyangtong/shared/src/pricing/types';

export type { Pricing };
export type Discount = AppliedDiscount;

export interface OrderItem {
  dishId: string;
  qty: number;
}

export interface QuoteBody {
  elderId: string;
  canteenId: string;
  date: string;
  slot: Slot;
  items: OrderItem[];
  fulfilment: Fulfilment;
}

export interface MealOrder {
  id: string;
  elderId: string;
  elderName?: string;
  canteenId: string;
  date: string;
  slot: Slot;
  items: { dishId: string; name: string; price: number; qty: number }[];
  fulfilment: Fulfilment;
  address?: string;
  status: string;
  pricing: Pricing;
  pickupCode?: string;
  bookedBy: { userId: string; role: string; name?: string };
  /** 助餐卡 (paid at booking, refunded on cancel) or 到店付 (paid at the counter). */
  payment?: { method: 'card' | 'counter'; amount: number; status: 'paid' | 'unpaid' | 'refunded' };
  cutoffAt?: string;
  createdAt?: string;
}

/**
 * A key for one booking attempt. Reused for every retry of that attempt (network failure,
 * a second tap) so the server returns the same order instead of placing a second one.
 * Visible ASCII only (the server's rule); no crypto API needed, which weapp lacks.
 */
export function newIdempotencyKey(): string {
  const rand = () => Math.floor(Math.random() * 0x100000000).toString(36);
  return `meal-${Date.now().toString(36)}-${rand()}${rand()}`;
}

export const mealApi = {
  elder: (id: string) => request<Elder>('GET', `/api/elders/${encodeURIComponent(id)}`),
  familyElders: () => request<{ items: Elder[] }>('GET', '/api/family/elders'),
  searchElders: (q: string) =>
    request<{ items: Elder[] }>('GET', q ? `/api/elders?q=${encodeURIComponent(q)}` : '/api/elders'),
  canteens: (near?: LngLat) =>
    request<{ items: Canteen[] }>(
      'GET',
      near ? `/api/canteens?lng=${near.lng}&lat=${near.lat}` : '/api/canteens',
    ),
  menu: (canteenId: string, date: string) =>
    request<DayMenu>('GET', `/api/canteens/${encodeURIComponent(canteenId)}/menus/${date}`),
  quote: (body: QuoteBody) => request<Pricing>('POST', '/api/pricing/quote', body),
  order: (id: string) => request<MealOrder>('GET', `/api/meal-orders/${encodeURIComponent(id)}`),
  orders: (elderId?: string) =>
    request<{ items: MealOrder[] }>(
      'GET',
      elderId ? `/api/meal-orders?elderId=${encodeURIComponent(elderId)}` : '/api/meal-orders',
    ),
  cancel: (id: string) => request<MealOrder>('POST', `/api/meal-orders/${encodeURIComponent(id)}/cancel`, {}),
  /** A worker's community's (an admin's: every) orders of one day. */
  dayOrders: (date: string) =>
    request<{ items: MealOrder[] }>('GET', `/api/meal-orders?date=${encodeURIComponent(date)}`),
  /** One elder's orders of one day (to tell "您已订了明天午餐" before a second one). */
  ordersOn: (elderId: string, date: string) =>
    request<{ items: MealOrder[] }>(
      'GET',
      `/api/meal-orders?elderId=${encodeURIComponent(elderId)}&date=${encodeURIComponent(date)}`,
    ),
  book: (body: QuoteBody & { payment?: 'card' | 'counter'; additional?: boolean }, idempotencyKey: string) =>
    request<MealOrder>('POST', '/api/meal-orders', body, { 'Idempotency-Key': idempotencyKey }),
};

/** The dishes of a meal with a quantity chosen, in menu order, as an order's items. */
export function chosenItems(slot: MenuSlot | undefined, qty: Record<string, number>): OrderItem[] {
  return (slot?.items ?? [])
    .filter((i) => (qty[i.dishId] ?? 0) > 0)
    .map((i) => ({ dishId: i.dishId, qty: qty[i.dishId] }));
}
