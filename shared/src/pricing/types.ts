/**
 * Types of the pure pricing engine. Money is always integer fen (1 yuan = 100 fen);
 * dates are China calendar dates as 'YYYY-MM-DD' strings.
 */

export type Slot = 'breakfast' | 'lunch' | 'dinner';
export type Fulfilment = 'dine_in' | 'take_away' | 'delivery';
/** 低保 / 特困 / 建档立卡 / 优抚 / 计生特殊家庭 / 残疾 */
export type EligibilityGroup = 'dibao' | 'tekun' | 'jiandang' | 'youfu' | 'jisheng' | 'disabled';
/** Capability (能力评估) level: 能力完好 / 轻度 / 中度 / 重度失能 */
export type CareLevel = 'intact' | 'mild' | 'moderate' | 'severe';
export type Funder = 'government' | 'canteen';
export type BenefitType = 'amount_off' | 'percent_off' | 'fixed_price';

export const SLOTS: readonly Slot[] = ['breakfast', 'lunch', 'dinner'];
export const FULFILMENTS: readonly Fulfilment[] = ['dine_in', 'take_away', 'delivery'];
export const ELIGIBILITY_GROUPS: readonly EligibilityGroup[] = [
  'dibao',
  'tekun',
  'jiandang',
  'youfu',
  'jisheng',
  'disabled',
];
export const CARE_LEVELS: readonly CareLevel[] = ['intact', 'mild', 'moderate', 'severe'];
export const FUNDERS: readonly Funder[] = ['government', 'canteen'];

export interface Benefit {
  type: BenefitType;
  /** fen for amount_off / fixed_price; integer percent 1..100 for percent_off */
  value: number;
}

export interface DiscountRule {
  id: string;
  name: string;
  /** null/undefined = district-wide (every canteen, subject to `district`) */
  canteenId?: string | null;
  /** if set, only canteens in that district */
  district?: string | null;
  /** inclusive, age in full years on the order date */
  minAge?: number | null;
  maxAge?: number | null;
  /** elder must be in at least one (null/undefined/empty = anyone) */
  groups?: EligibilityGroup[] | null;
  /** elder's capability level must be one of these (null/undefined/empty = anyone) */
  careLevels?: CareLevel[] | null;
  /** null/undefined/empty = every slot */
  slots?: Slot[] | null;
  benefit: Benefit;
  fundedBy: Funder;
  /** cap on subsidised meals per elder per slot per day; null/undefined = no cap */
  perElderPerSlotPerDay?: number | null;
  /** higher wins; default 0 */
  priority?: number | null;
  /** default false */
  stackable?: boolean | null;
  /** inclusive dates; validTo open when absent */
  validFrom: string;
  validTo?: string | null;
  /** default true */
  active?: boolean;
  /** what the rule prices: meals (default, as before services existed) or home services */
  appliesTo?: 'meal' | 'service' | null;
  /** for service rules: the service categories it covers (null/undefined/empty = every category) */
  serviceCategories?: string[] | null;
  /** 1 when created, +1 on every change; an applied discount names the version that priced it */
  version?: number | null;
}

export interface PricingItem {
  dishId: string;
  name?: string;
  /** unit price, fen */
  price: number;
  qty: number;
}

export interface PricingContext {
  elder: { birthDate: string; groups: EligibilityGroup[]; careLevel?: CareLevel | null };
  canteen: { id: string; district?: string | null; deliveryFee: number };
  date: string;
  slot: Slot;
  items: PricingItem[];
  fulfilment: Fulfilment;
  rules: DiscountRule[];
  /** subsidised meals the elder already has in this slot on this date (any canteen) */
  subsidisedMealsUsed: number;
}

export interface AppliedDiscount {
  ruleId: string;
  name: string;
  /** fen, always > 0 */
  amount: number;
  fundedBy: Funder;
  /** the rule's version that gave it (when the rule carries one): a later change never rewrites it */
  ruleVersion?: number;
}

export interface Pricing {
  /** Σ price × qty, fen */
  subtotal: number;
  /** exclusive winner first (if any), then stackable rules in application order */
  discounts: AppliedDiscount[];
  deliveryFee: number;
  /** (subtotal − Σ discounts) + deliveryFee */
  payable: number;
  /** Why a subsidy the elder otherwise gets is missing (a further meal of the same slot), in words. */
  capNote?: string;
  /** A visit booked 用套餐: the elder's monthly package paid `amount` (what was payable), so payable is 0. */
  paidByPackage?: { id: string; name: string; amount: number };
}

/** A home-service visit priced by the same rules and breakdown as a meal (see service.ts). */
export interface ServicePricingContext {
  elder: { birthDate: string; groups: EligibilityGroup[]; careLevel?: CareLevel | null };
  /** the elder's district (district-scoped rules) */
  district?: string | null;
  /** the visit's China calendar date */
  date: string;
  /** service category code, e.g. 'bath' */
  category: string;
  /** one line: the item at its unit price × visits or hours */
  items: PricingItem[];
  rules: DiscountRule[];
}
