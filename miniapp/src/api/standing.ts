/** Standing orders and the kitchen forecast (contract: "Standing orders and forecast"). */
import type { z } from 'zod';
import type { CreateStandingOrderBodySchema } from '@yiyangtong/shared/src/schemas/standing-orders';
import type { Fulfilment, Slot } from '../format';
import { request } from './client';

export type StandingOrderBody = z.input<typeof CreateStandingOrderBodySchema>;

export interface StandingRun {
  date: string;
  slot: Slot;
  status: 'pending' | 'placed' | 'failed';
  orderId?: string;
  error?: { code: string; message: string };
}

export interface Pause {
  id: string;
  from: string;
  to: string;
}

export interface StandingOrder {
  id: string;
  elderId: string;
  elderName: string;
  canteenId: string;
  canteenName: string;
  slot: Slot;
  weekdays: number[];
  items: { dishId: string; name: string; qty: number; fallback: 'set_meal' | 'skip' }[];
  fulfilment: Fulfilment;
  payment: 'card' | 'counter';
  pauses: Pause[];
  summary: string;
  startsAfter: string;
  createdBy: { userId: string; role: string; name: string };
  runs: StandingRun[];
}

export interface ForecastSlot {
  slot: Slot;
  cutoffAt: string;
  menuPublished: boolean;
  meals: { placed: number; standing: number; total: number };
  dishes: { dishId: string; name: string; placed: number; standing: number; total: number }[];
  diet: { note: string; count: number }[];
}

export interface Forecast {
  canteenId: string;
  canteenName: string;
  days: { date: string; slots: ForecastSlot[] }[];
}

export interface CanteenDish {
  id: string;
  name: string;
  price: number;
}

const enc = encodeURIComponent;

export const standingApi = {
  list: (elderId: string) =>
    request<{ items: StandingOrder[] }>('GET', `/api/standing-orders?elderId=${enc(elderId)}`),
  create: (body: StandingOrderBody) => request<StandingOrder>('POST', '/api/standing-orders', body),
  pause: (id: string, from: string, to: string) =>
    request<Pause & { cancelledOrderIds: string[] }>('POST', `/api/standing-orders/${enc(id)}/pauses`, {
      from,
      to,
    }),
  removePause: (id: string, pauseId: string) =>
    request<StandingOrder>('DELETE', `/api/standing-orders/${enc(id)}/pauses/${enc(pauseId)}`),
  end: (id: string) => request<StandingOrder>('DELETE', `/api/standing-orders/${enc(id)}`),
  dishes: (canteenId: string) =>
    request<{ items: CanteenDish[] }>('GET', `/api/canteens/${enc(canteenId)}/dishes`),
  forecast: (canteenId: string, date: string) =>
    request<Forecast>('GET', `/api/canteens/${enc(canteenId)}/forecast?date=${date}`),
};
