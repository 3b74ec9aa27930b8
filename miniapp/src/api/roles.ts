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
import type { CreateAssessmentBodySchema } from '@yiyangtong/shared/src/schemas/assessments';
import type {
  BatchMealOrderBodySchema,
  CreateDiscountRuleBodySchema,
  PutMenuBodySchema,
  UpdateDiscountRuleBodySchema,
  UpdateDishBodySchema,
} from '@yiyangtong/shared/src/schemas/meals';
import type { UpdateCanteenBodySchema } from '@yiyangtong/shared/src/schemas/places';
import type { UpdateServiceItemBodySchema } from '@yiyangtong/shared/src/schemas/services';
import type { Slot } from '../format';
import { request } from './client';
import type { DayMenu, Elder, MealOrder, MenuSlot } from './meals';

export type CreateElderBody = z.input<typeof CreateElderBodySchema>;
export type AssessmentBody = z.input<typeof CreateAssessmentBodySchema>;
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
export type RuleChange = z.input<typeof UpdateDiscountRuleBodySchema>;
export type DishChange = z.input<typeof UpdateDishBodySchema>;
export type CanteenChange = z.input<typeof UpdateCanteenBodySchema>;
export type ServiceItemChange = z.input<typeof UpdateServiceItemBodySchema>;

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
  /** From the latest capability assessment. */
  careLevel?: string;
  /** 独居: suggested for proactive care calls. */
  livesAlone?: boolean;
  /** China date of the latest assessment; `reassessmentDue`: none, or 12 months old (需复评). */
  lastAssessedAt?: string;
  reassessmentDue?: boolean;
}

export interface AssessmentRecord {
  id: string;
  assessedAt: string;
  total: number;
  level: string;
  levelName: string;
  careLevel: string;
  indicators: { id: string; name: string; score: number; max: number }[];
  items: { code: string; score: number }[];
  notes?: string;
  assessedBy: { name: string; role: string };
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
  /** 停售 */
  retired?: boolean;
}

export interface Rule extends RuleBody {
  id: string;
  version?: number;
}

export interface RuleVersion {
  version: number;
  current: boolean;
  at?: string;
  reason?: string;
  replacedAt?: string;
  rule: Partial<RuleBody>;
}

export interface CanteenSettings {
  id: string;
  name: string;
  address: string;
  slots: { slot: Slot; cutoff: string; cutoffDayBefore: boolean }[];
  fulfilment: ('dine_in' | 'take_away' | 'delivery')[];
  deliveryFee: number;
  closed?: boolean;
}

export interface ServiceItemRecord {
  id: string;
  category: string;
  name: string;
  price: number;
  unit: 'visit' | 'hour';
  durationMin: number;
  retired?: boolean;
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
  elder: (elderId: string) => request<ElderRecord>('GET', `/api/elders/${enc(elderId)}`),
  assessments: (elderId: string) =>
    request<{ items: AssessmentRecord[] }>('GET', `/api/elders/${enc(elderId)}/assessments`),
  assess: (elderId: string, body: AssessmentBody) =>
    request<AssessmentRecord>('POST', `/api/elders/${enc(elderId)}/assessments`, body),
  invite: (elderId: string) =>
    request<{ code: string; expiresAt: string }>('POST', `/api/elders/${enc(elderId)}/invites`, {}),
  batch: (body: BatchBody, idempotencyKey: string) =>
    request<{ results: BatchResult[] }>('POST', '/api/meal-orders/batch', body, {
      'Idempotency-Key': idempotencyKey,
    }),
};

export const staffApi = {
  dishes: (canteenId: string) => request<{ items: Dish[] }>('GET', `/api/canteens/${enc(canteenId)}/dishes`),
  /** Every dish, those no longer sold too (the 菜品 page). */
  allDishes: (canteenId: string) =>
    request<{ items: Dish[] }>('GET', `/api/canteens/${enc(canteenId)}/dishes?includeRetired=true`),
  changeDish: (canteenId: string, dishId: string, body: DishChange) =>
    request<Dish>('PATCH', `/api/canteens/${enc(canteenId)}/dishes/${enc(dishId)}`, body),
  menu: (canteenId: string, date: string) =>
    request<DayMenu>('GET', `/api/canteens/${enc(canteenId)}/menus/${date}`),
  publish: (canteenId: string, date: string, slot: Slot, body: PutMenuBody) =>
    request<MenuSlot>('PUT', `/api/canteens/${enc(canteenId)}/menus/${date}/${slot}`, body),
};

export const adminApi = {
  rules: () => request<{ items: Rule[] }>('GET', '/api/discount-rules'),
  createRule: (body: RuleBody) => request<Rule>('POST', '/api/discount-rules', body),
  changeRule: (id: string, body: RuleChange) =>
    request<Rule>('PATCH', `/api/discount-rules/${enc(id)}`, body),
  ruleVersions: (id: string) =>
    request<{ items: RuleVersion[] }>('GET', `/api/discount-rules/${enc(id)}/versions`),
  canteens: () => request<{ items: CanteenSettings[] }>('GET', '/api/canteens'),
  changeCanteen: (id: string, body: CanteenChange) =>
    request<CanteenSettings>('PATCH', `/api/canteens/${enc(id)}`, body),
  serviceItems: () =>
    request<{ items: ServiceItemRecord[] }>('GET', '/api/service-items?includeRetired=true'),
  changeServiceItem: (id: string, body: ServiceItemChange) =>
    request<ServiceItemRecord>('PATCH', `/api/service-items/${enc(id)}`, body),
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
