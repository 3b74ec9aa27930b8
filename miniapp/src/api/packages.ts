/** Monthly service packages 套餐 (contract: Care that reaches out). */
import type { BuyPackageBody } from '@yiyangtong/shared/src/schemas/packages';
import type { Pricing } from './meals';
import { request } from './client';

export interface ServicePackage {
  id: string;
  itemId: string;
  itemName: string;
  category: string;
  name: string;
  visitsPerMonth: number;
  price: number;
  active: boolean;
}

export interface ElderPackage {
  id: string;
  packageId: string;
  name: string;
  itemId: string;
  itemName: string;
  month: string;
  visitsPerMonth: number;
  remaining: number;
  pricing: Pricing;
  payment: { method: 'card' | 'counter'; amount: number; status: 'paid' | 'unpaid' };
}

export interface PackageOffer extends ServicePackage {
  packageId: string;
  month: string;
  pricing: Pricing;
  bought: boolean;
}

const id = encodeURIComponent;

/** The elder's side (main package); the admin's calls live in components/package-admin.tsx (its subpackage). */
export const packageApi = {
  ofElder: (elderId: string) =>
    request<{ items: ElderPackage[]; offers: PackageOffer[]; note: string }>(
      'GET',
      `/api/elders/${id(elderId)}/packages`,
    ),
  /** The same key again (a retry after a lost answer) buys nothing new: the server replays the purchase. */
  buy: (elderId: string, body: BuyPackageBody, idempotencyKey: string) =>
    request<ElderPackage>('POST', `/api/elders/${id(elderId)}/packages`, body, {
      'Idempotency-Key': idempotencyKey,
    }),
};

/** 「12月」 for `2026-12`. */
export const monthLabel = (month: string) => `${Number(month.slice(5))}月`;
