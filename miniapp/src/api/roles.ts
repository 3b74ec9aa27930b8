/**
 * Endpoints of the family, worker, canteen-staff and admin pages. Request bodies are the
 * zod schemas' input types from shared/ (type-only: zod itself is not bundled).
 */
import type { z } from 'zod';
import type {
  CreateElderBodySchema,
  ElderAccountBodySchema,
  RetireBodySchema,
  UpdateElderBodySchema,
} from '@yiyangtong/shared/src/schemas/elders';
import type {
  BatchMealOrderBodySchema,
  CreateDiscountRuleBodySchema,
  PutMenuBodySchema,
} from '@yiyangtong/shared/src/schemas/meals';
import type { Slot } from '../format';
import { request } from './client';
import type { DayMenu, Elder, MealOrder, MenuSlot } from './meals';

export type CreateElderBody = z.input<typeof CreateElderBodySchema>;
export type ElderAccountBody = z.input<typeof ElderAccountBodySchema>;
export type UpdateElderBody = z.input<typeof UpdateElderBodySchema>;
export type RetireBody = z.input<typeof RetireBodySchema>;

/** GET /api/elders/:id/retirement-preview: what retiring the elder now would do (money in fen). */
export interface RetirementPreview {
  elderId: string;
  status: string;
  mealsToCancel: number;
  standingOrdersToEnd: number;
  visitsToCancel: number;
  /** what will be paid out (the balance once the cancelled meals are refunded) */
  cardBalance: number;
  currentBalance: number;
}

export interface Retirement {
  reason: 'deceased' | 'moved_away' | 'withdrawn';
  date: string;
  notes?: string;
  payoutMethod: 'cash' | 'family';
  retiredAt?: string;
  mealsCancelled: number;
  standingOrdersEnded: number;
  visitsCancelled: number;
  paidOut: number;
}
export type BatchBody = z.input<typeof BatchMealOrderBodySchema>;
export type RuleBody = z.input<typeof CreateDiscountRuleBodySchema>;
export type PutMenuBody = z.input<typeof PutMenuBodySchema>;

export interface ElderRecord extends Elder {
  idCardNo?: string;
  birthDate?: string;
  gender?: 'male' | 'female';
  groups?: string[];
  userId?: string;
  hasAccount?: boolean;
  diet?: string[];
  notes?: string;
  emergencyContacts?: { name: string; phone: string; relation?: string }[];
  status?: 'active' | 'retiring' | 'retired';
  retirement?: Retirement;
}

export interface BatchResult {
  elderId: string;
  status: number;
  order?: MealOrder;
  error?: { code: string; message: string };
}

export interface Dish {
  id: string;
  name: string;
  price: number;
}

export interface Rule extends RuleBody {
  id: string;
}

export interface Settlement {
  canteenId: string;
  month: string;
  orders: number;
  subtotal: number;
  deliveryFees: number;
  payable: number;
  rules: { ruleId: string; name: string; fundedBy: string; count: number; amount: number }[];
  funders: { fundedBy: string; count: number; amount: number }[];
  /** What elders paid: by meal card (net of refunds) and at the counter. */
  payments?: {
    card: { orders: number; paid: number; refunded: number; net: number };
    counter: {
      orders: number;
      payable: number;
      collectedOrders: number;
      collected: number;
      toCollect: number;
    };
  };
  /** Card payments checked against the card ledger. */
  ledger?: { payments: number; refunds: number; net: number; reconciled: boolean; mismatches: unknown[] };
}

export interface Summary {
  mealOrders: number;
  mealsServed: number;
  subsidyTotal: number;
  serviceOrders: number;
  serviceHours: number;
  satisfactionRate: number | null;
  sosCount: number;
  sosMedianAckSeconds: number | null;
}

const enc = encodeURIComponent;

export const familyApi = {
  link: (code: string) =>
    request<{ elderId: string; elder: Elder }>('POST', '/api/family/links', {
      code: code.trim().toUpperCase(),
    }),
  elders: () => request<{ items: Elder[] }>('GET', '/api/family/elders'),
};

export const workerApi = {
  search: (q: string) =>
    request<{ items: ElderRecord[] }>('GET', q ? `/api/elders?q=${enc(q)}` : '/api/elders'),
  register: (body: CreateElderBody) => request<ElderRecord>('POST', '/api/elders', body),
  retired: () => request<{ items: ElderRecord[] }>('GET', '/api/elders?status=retired'),
  elder: (id: string) => request<ElderRecord>('GET', `/api/elders/${enc(id)}`),
  update: (id: string, body: UpdateElderBody) =>
    request<ElderRecord>('PATCH', `/api/elders/${enc(id)}`, body),
  retirementPreview: (id: string) =>
    request<RetirementPreview>('GET', `/api/elders/${enc(id)}/retirement-preview`),
  retire: (id: string, body: RetireBody) =>
    request<ElderRecord>('POST', `/api/elders/${enc(id)}/retire`, body),
  reinstate: (id: string) => request<ElderRecord>('POST', `/api/elders/${enc(id)}/reinstate`, {}),
  transfer: (id: string, communityId: string) =>
    request<ElderRecord>('POST', `/api/elders/${enc(id)}/transfer`, { communityId }),
  communities: () => request<{ items: { id: string; name: string }[] }>('GET', '/api/communities'),
  giveLogin: (elderId: string, body: ElderAccountBody) =>
    request<{ id: string; name: string }>('POST', `/api/elders/${enc(elderId)}/account`, body),
  invite: (elderId: string) =>
    request<{ code: string; expiresAt: string }>('POST', `/api/elders/${enc(elderId)}/invites`, {}),
  batch: (body: BatchBody, idempotencyKey: string) =>
    request<{ results: BatchResult[] }>('POST', '/api/meal-orders/batch', body, {
      'Idempotency-Key': idempotencyKey,
    }),
};

export const staffApi = {
  dishes: (canteenId: string) => request<{ items: Dish[] }>('GET', `/api/canteens/${enc(canteenId)}/dishes`),
  menu: (canteenId: string, date: string) =>
    request<DayMenu>('GET', `/api/canteens/${enc(canteenId)}/menus/${date}`),
  publish: (canteenId: string, date: string, slot: Slot, body: PutMenuBody) =>
    request<MenuSlot>('PUT', `/api/canteens/${enc(canteenId)}/menus/${date}/${slot}`, body),
};

export const adminApi = {
  rules: () => request<{ items: Rule[] }>('GET', '/api/discount-rules'),
  createRule: (body: RuleBody) => request<Rule>('POST', '/api/discount-rules', body),
  settlement: (canteenId: string, month: string) =>
    request<Settlement>('GET', `/api/reports/settlement?canteenId=${enc(canteenId)}&month=${month}`),
  summary: (from: string, to: string) =>
    request<Summary>('GET', `/api/reports/summary?from=${from}&to=${to}`),
};

/** The elder's own account: an invite code for a family member (the same API the worker uses). */
export const elderSelfApi = {
  inviteFamily: (elderId: string) =>
    request<{ code: string; expiresAt: string }>('POST', `/api/elders/${enc(elderId)}/invites`, {}),
};
