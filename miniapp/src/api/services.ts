/** Home services, SOS, notifications and figures (contract: Home services, SOS, Notifications, Figures). */
import type { Pricing } from './meals';
import { request } from './client';
import { chinaDateTime as chinaDateTimeSeconds } from '@yiyangtong/shared/src/china-time';

export type ServiceStatus =
  | 'requested'
  | 'dispatched'
  | 'accepted'
  | 'in_service'
  | 'completed'
  | 'rated'
  | 'followed_up'
  | 'cancelled'
  | 'rejected';

export interface ServiceItem {
  id: string;
  category: string;
  name: string;
  price: number;
  unit: 'visit' | 'hour';
  durationMin: number;
}

export interface Who {
  userId: string;
  role: string;
  name: string;
}

export interface Visit {
  id: string;
  elderId: string;
  elderName: string;
  item: ServiceItem;
  units: number;
  scheduledAt: string;
  day: string;
  address: string;
  notes?: string;
  pricing: Pricing;
  status: ServiceStatus;
  statusName: string;
  provider?: { userId: string; name: string };
  bookedBy: Who;
  timeline: { status: ServiceStatus; action: string; at: string; by: Who; note?: string }[];
  checkIn?: { at: string; distanceM?: number; farFromHome: boolean };
  durationMin?: number;
  rating?: { score: number; comment?: string };
  followUp?: { satisfied: boolean; notes?: string };
  /** an exceptional visit (far check-in, too short): waits for the community's review */
  review?: {
    state: 'pending' | 'approved' | 'rejected';
    stateName: string;
    reasons: string[];
    notes?: string;
  };
  billable?: boolean;
  /** for the provider it is dispatched to: the elder's phone (to call) and diet/health notes */
  elderPhone?: string;
  elderDiet?: string[];
}

export interface Suggestion {
  userId: string;
  name: string;
  openVisits: number;
  /** does this kind of work in the elder's community */
  fits: boolean;
}

export interface Sos {
  id: string;
  elderId: string;
  elderName: string;
  status: 'open' | 'acknowledged' | 'resolved' | 'cancelled';
  /** who raised it: the elder's key, a care call, a meal courier */
  source: 'elder' | 'care_call' | 'delivery';
  /** a system alarm's reason in words */
  reason?: string;
  statusText: string;
  overdue: boolean;
  raisedAt: string;
  ackSeconds?: number;
  ack?: { by: Who };
  resolution?: { outcome?: SosOutcome; notes?: string; by: Who };
  cancellation?: { by: Who; reason?: string };
  /** for the elder and family: the community's workers to call (work phones) */
  communityWorkers?: { name: string; phone: string }[];
  elder?: {
    address: string;
    phone?: string;
    careLevel?: string;
    diet: string[];
    emergencyContacts: { name: string; phone: string; relation?: string }[];
  };
}

export interface Notice {
  id: string;
  kind: string;
  title: string;
  body: string;
  refType: string;
  refId: string;
  createdAt: string;
  readAt: string | null;
}

export interface Summary {
  mealOrders: number;
  mealsServed: number;
  subsidyTotal: number;
  serviceOrders: number;
  serviceOrdersByStatus: Record<string, number>;
  serviceHours: number;
  ratings: number;
  satisfactionRate: number | null;
  followUps: number;
  followUpSatisfactionRate: number | null;
  sosCount: number;
  sosMedianAckSeconds: number | null;
}

const id = encodeURIComponent;

export const serviceApi = {
  items: () => request<{ items: ServiceItem[] }>('GET', '/api/service-items'),
  quote: (body: { elderId: string; itemId: string; scheduledAt: string }) =>
    request<{ pricing: Pricing; units: number }>('POST', '/api/service-orders/quote', body),
  /** The same key again (a retry after a lost answer) books nothing new: the server replays the visit. */
  book: (
    body: { elderId: string; itemId: string; scheduledAt: string; notes?: string },
    idempotencyKey: string,
  ) => request<Visit>('POST', '/api/service-orders', body, { 'Idempotency-Key': idempotencyKey }),
  list: (query = '') => request<{ items: Visit[] }>('GET', `/api/service-orders${query}`),
  act: (visitId: string, action: string, body: object = {}) =>
    request<Visit>('POST', `/api/service-orders/${id(visitId)}/${action}`, body),
  suggestions: (date: string, itemId?: string) =>
    request<{ items: Suggestion[] }>(
      'GET',
      `/api/providers/suggestions?date=${date}${itemId ? `&itemId=${id(itemId)}` : ''}`,
    ),
  reviews: () => request<{ items: Visit[] }>('GET', '/api/service-reviews'),
};

export const sosApi = {
  raise: (elderId: string) => request<Sos>('POST', '/api/sos', { elderId }),
  list: (query = '') => request<{ items: Sos[] }>('GET', `/api/sos${query}`),
  ack: (sosId: string) => request<Sos>('POST', `/api/sos/${id(sosId)}/ack`, {}),
  resolve: (sosId: string, outcome: SosOutcome, notes?: string) =>
    request<Sos>('POST', `/api/sos/${id(sosId)}/resolve`, notes ? { outcome, notes } : { outcome }),
  /** Raised by mistake: only while nobody has acknowledged it (then 409). */
  cancel: (sosId: string) => request<Sos>('POST', `/api/sos/${id(sosId)}/cancel`, { reason: '误按' }),
};

export type SosOutcome = 'false_alarm' | 'helped_at_home' | 'hospital' | 'other';

/** A 回访 task: a visit rated 3 or less, or sampled at random, waiting for the worker's call. */
export interface FollowUpTask {
  id: string;
  serviceOrderId: string;
  elderName: string;
  itemName: string;
  providerName?: string;
  reasons: ('low_rating' | 'sampled')[];
  ratingScore?: number;
  createdAt: string;
  visit?: Visit;
}

export const followUpApi = {
  open: () => request<{ items: FollowUpTask[] }>('GET', '/api/follow-ups?status=open'),
};

export const noticeApi = {
  list: () => request<{ items: Notice[]; unread: number }>('GET', '/api/notifications'),
  read: (noticeId: string) => request<Notice>('POST', `/api/notifications/${id(noticeId)}/read`, {}),
  readAll: () => request<{ ok: boolean }>('POST', '/api/notifications/read-all', {}),
};

export const reportApi = {
  summary: (from: string, to: string) =>
    request<Summary>('GET', `/api/reports/summary?from=${from}&to=${to}`),
};

/** "2026-12-02 09:00" in China time. */
export function chinaDateTime(iso: string): string {
  return chinaDateTimeSeconds(iso).slice(0, 16);
}

/** The instant of `HH:mm` China time on a China date, as ISO. */
export function chinaIso(date: string, time: string): string {
  return `${date}T${time}:00+08:00`;
}
