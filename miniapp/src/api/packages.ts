/** Monthly service packages 套餐 (contract: Care that reaches out). */
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

/** The elder's side (main package); buying and the admin's calls live in their subpackages' pages. */
export const packageApi = {
  ofElder: (elderId: string) =>
    request<{ items: ElderPackage[]; offers: PackageOffer[]; note: string }>(
      'GET',
      `/api/elders/${id(elderId)}/packages`,
    ),
};

/** 「12月」 for `2026-12`. */
export const monthLabel = (month: string) => `${Number(month.slice(5))}月`;
