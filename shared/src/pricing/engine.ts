/**
 * 颐养通 meal pricing engine: pure, deterministic, integer fen. No I/O, no clock.
 *
 * POLICY
 *
 * Amounts
 * - subtotal = Σ price × qty over the items (fen). Discounts apply once per order (the meal), to the
 *   food subtotal only, never to the delivery fee.
 * - deliveryFee = canteen.deliveryFee when fulfilment is 'delivery', otherwise 0.
 * - payable = (subtotal − Σ discounts) + deliveryFee. Since no discount exceeds what remains of the
 *   food, payable is never below the delivery fee and never negative, and always
 *   Σ discounts + payable − deliveryFee = subtotal.
 *
 * Benefit of a rule, on what remains `r` of the food subtotal
 * - amount_off  value fen:   min(value, r)
 * - percent_off value %:     ceil(r × value / 100) in integer arithmetic (the fen is rounded in the
 *                            elder's favour, e.g. 10% of 333 fen = 34 fen), capped at r
 * - fixed_price value fen:   the food costs `value`: max(0, r − value)
 * - A rule whose amount is 0 is not listed (and is not a candidate for winning, see below).
 *
 * Which rules apply (ruleApplies; every condition must hold)
 * - appliesTo: meal prices use rules whose appliesTo is 'meal' or absent (service rules: see service.ts);
 * - active !== false;
 * - validity: validFrom ≤ date ≤ validTo, both inclusive; no validTo = open-ended;
 * - scope: canteenId, when set, equals ctx.canteen.id; district, when set, equals ctx.canteen.district
 *   (a canteen without a district never matches a district-scoped rule);
 * - age: minAge ≤ age ≤ maxAge (each inclusive, each optional), age in full years on the order date
 *   (see ageOn: a 29 Feb birthday is reached on 1 Mar in non-leap years);
 * - groups: when non-empty, the elder is in at least one of them;
 * - careLevels: when non-empty, the elder's care level is set and is one of them;
 * - slots: when non-empty, includes the order's slot (null/undefined/empty = every slot);
 * - cap: with perElderPerSlotPerDay = N the rule applies only while subsidisedMealsUsed < N
 *   (N = 0 means never); without a cap the rule is not limited.
 *
 * Combining
 * - Exclusive rules (stackable false/absent): exactly one wins — among the applicable ones with a
 *   non-zero amount on the subtotal, the highest priority (default 0); among equal priority the one
 *   giving the largest amount; then the lowest id (plain code-unit string order). Rules giving 0 are
 *   dropped before choosing, so e.g. a fixed ¥2 price on a ¥1.50 meal does not block an age discount.
 * - Stackable rules are applied after the exclusive winner (or alone if there is none), in priority
 *   order (desc, then id asc), each on what remains after the previous ones; those giving 0 are skipped.
 * - A priced order is "subsidised" (counts against caps) iff at least one discount was listed.
 *
 * Input guards (the BFF validates earlier; these only guard the engine): prices, quantities, the
 * delivery fee, subsidisedMealsUsed, fen benefit values, ages and caps must be non-negative safe
 * integers; percent values integers 1..100; dates existing 'YYYY-MM-DD' dates; birthDate not after
 * date; slot, fulfilment, benefit type and funder known values. Violations throw RangeError.
 */

import { ageOn, parseDate } from './age';
import {
  AppliedDiscount,
  CARE_LEVELS,
  DiscountRule,
  ELIGIBILITY_GROUPS,
  FULFILMENTS,
  FUNDERS,
  Pricing,
  PricingContext,
  SLOTS,
} from './types';

function isNonNegInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function requireNonNegInt(n: unknown, what: string): void {
  if (!isNonNegInt(n)) throw new RangeError(`${what} must be a non-negative integer, got ${String(n)}`);
}

function requireOptionalNonNegInt(n: unknown, what: string): void {
  if (n !== null && n !== undefined) requireNonNegInt(n, what);
}

function requireOneOf<T>(v: unknown, allowed: readonly T[], what: string): void {
  if (!allowed.includes(v as T)) throw new RangeError(`invalid ${what}: ${String(v)}`);
}

function requireOptionalList<T>(v: unknown, allowed: readonly T[], what: string): void {
  if (v === null || v === undefined) return;
  if (!Array.isArray(v)) throw new RangeError(`${what} must be an array`);
  for (const x of v) requireOneOf(x, allowed, what);
}

/** Throws RangeError if the rule is malformed. */
export function validateRule(rule: DiscountRule): void {
  if (!rule || typeof rule !== 'object') throw new RangeError('rule must be an object');
  if (typeof rule.id !== 'string' || rule.id === '')
    throw new RangeError('rule.id must be a non-empty string');
  const b = rule.benefit;
  if (!b || typeof b !== 'object') throw new RangeError(`rule ${rule.id}: benefit missing`);
  if (b.type === 'percent_off') {
    if (!Number.isInteger(b.value) || b.value < 1 || b.value > 100)
      throw new RangeError(`rule ${rule.id}: percent_off value must be an integer 1..100, got ${b.value}`);
  } else if (b.type === 'amount_off' || b.type === 'fixed_price') {
    requireNonNegInt(b.value, `rule ${rule.id}: ${b.type} value (fen)`);
  } else {
    throw new RangeError(`rule ${rule.id}: invalid benefit type ${String((b as { type: unknown }).type)}`);
  }
  requireOneOf(rule.fundedBy, FUNDERS, `rule ${rule.id}: fundedBy`);
  requireOptionalNonNegInt(rule.minAge, `rule ${rule.id}: minAge`);
  requireOptionalNonNegInt(rule.maxAge, `rule ${rule.id}: maxAge`);
  requireOptionalNonNegInt(rule.perElderPerSlotPerDay, `rule ${rule.id}: perElderPerSlotPerDay`);
  if (rule.priority !== null && rule.priority !== undefined && !Number.isFinite(rule.priority))
    throw new RangeError(`rule ${rule.id}: priority must be a finite number`);
  requireOptionalList(rule.groups, ELIGIBILITY_GROUPS, `rule ${rule.id}: groups`);
  requireOptionalList(rule.careLevels, CARE_LEVELS, `rule ${rule.id}: careLevels`);
  requireOptionalList(rule.slots, SLOTS, `rule ${rule.id}: slots`);
  if (rule.appliesTo !== null && rule.appliesTo !== undefined)
    requireOneOf(rule.appliesTo, ['meal', 'service'], `rule ${rule.id}: appliesTo`);
  if (rule.serviceCategories !== null && rule.serviceCategories !== undefined) {
    if (!Array.isArray(rule.serviceCategories) || rule.serviceCategories.some((c) => typeof c !== 'string'))
      throw new RangeError(`rule ${rule.id}: serviceCategories must be an array of codes`);
  }
  parseDate(rule.validFrom, `rule ${rule.id}: validFrom`);
  if (rule.validTo !== null && rule.validTo !== undefined)
    parseDate(rule.validTo, `rule ${rule.id}: validTo`);
}

/** Throws RangeError if the context is malformed; returns the food subtotal (fen). */
export function validateContext(ctx: PricingContext): number {
  if (!ctx || typeof ctx !== 'object') throw new RangeError('context must be an object');
  if (!ctx.elder || typeof ctx.elder !== 'object') throw new RangeError('elder missing');
  parseDate(ctx.date, 'date');
  ageOn(ctx.elder.birthDate, ctx.date); // validates birthDate and birthDate ≤ date
  if (!Array.isArray(ctx.elder.groups)) throw new RangeError('elder.groups must be an array');
  requireOptionalList(ctx.elder.groups, ELIGIBILITY_GROUPS, 'elder.groups');
  if (ctx.elder.careLevel !== null && ctx.elder.careLevel !== undefined)
    requireOneOf(ctx.elder.careLevel, CARE_LEVELS, 'elder.careLevel');
  if (!ctx.canteen || typeof ctx.canteen.id !== 'string') throw new RangeError('canteen.id missing');
  requireNonNegInt(ctx.canteen.deliveryFee, 'canteen.deliveryFee');
  requireOneOf(ctx.slot, SLOTS, 'slot');
  requireOneOf(ctx.fulfilment, FULFILMENTS, 'fulfilment');
  requireNonNegInt(ctx.subsidisedMealsUsed, 'subsidisedMealsUsed');
  if (!Array.isArray(ctx.items)) throw new RangeError('items must be an array');
  if (!Array.isArray(ctx.rules)) throw new RangeError('rules must be an array');
  let subtotal = 0;
  for (const it of ctx.items) {
    if (!it || typeof it !== 'object') throw new RangeError('item must be an object');
    requireNonNegInt(it.price, `item ${String(it.dishId)} price (fen)`);
    requireNonNegInt(it.qty, `item ${String(it.dishId)} qty`);
    subtotal += it.price * it.qty;
    if (!Number.isSafeInteger(subtotal)) throw new RangeError('subtotal out of range');
  }
  return subtotal;
}

/** The conditions meals and services share: activity, validity, district, age, groups, care level. */
export function personApplies(
  rule: DiscountRule,
  ctx: { date: string; elder: PricingContext['elder'] },
  district: string | null | undefined,
  age: number,
): boolean {
  if (rule.active === false) return false;
  if (ctx.date < rule.validFrom) return false;
  if (rule.validTo !== null && rule.validTo !== undefined && ctx.date > rule.validTo) return false;
  if (rule.district !== null && rule.district !== undefined && rule.district !== (district ?? null))
    return false;
  if (rule.minAge !== null && rule.minAge !== undefined && age < rule.minAge) return false;
  if (rule.maxAge !== null && rule.maxAge !== undefined && age > rule.maxAge) return false;
  if (rule.groups && rule.groups.length > 0 && !rule.groups.some((g) => ctx.elder.groups.includes(g)))
    return false;
  if (rule.careLevels && rule.careLevels.length > 0) {
    const cl = ctx.elder.careLevel;
    if (cl === null || cl === undefined || !rule.careLevels.includes(cl)) return false;
  }
  return true;
}

/** Eligibility check on already-validated inputs (meal rules only: service rules never price a meal). */
function applies(rule: DiscountRule, ctx: PricingContext, age: number): boolean {
  if ((rule.appliesTo ?? 'meal') !== 'meal') return false;
  if (!personApplies(rule, ctx, ctx.canteen.district, age)) return false;
  if (rule.canteenId !== null && rule.canteenId !== undefined && rule.canteenId !== ctx.canteen.id)
    return false;
  if (rule.slots && rule.slots.length > 0 && !rule.slots.includes(ctx.slot)) return false;
  const cap = rule.perElderPerSlotPerDay;
  if (cap !== null && cap !== undefined && !(ctx.subsidisedMealsUsed < cap)) return false;
  return true;
}

/** Whether every condition of the rule (activity, validity, scope, age, groups, care level, slot, cap) holds. */
export function ruleApplies(rule: DiscountRule, ctx: PricingContext): boolean {
  validateRule(rule);
  validateContext(ctx);
  return applies(rule, ctx, ageOn(ctx.elder.birthDate, ctx.date));
}

/** ceil(r × pct / 100) without overflow: r = 100a + b → a·pct + ceil(b·pct / 100). */
function percentOf(r: number, pct: number): number {
  const a = Math.floor(r / 100);
  const b = r % 100;
  return a * pct + Math.floor((b * pct + 99) / 100);
}

/** Discount a rule gives on `remaining` fen of food; always 0 ≤ result ≤ remaining. */
export function benefitAmount(rule: DiscountRule, remaining: number): number {
  const { type, value } = rule.benefit;
  let amount: number;
  switch (type) {
    case 'amount_off':
      amount = value;
      break;
    case 'percent_off':
      amount = percentOf(remaining, value);
      break;
    case 'fixed_price':
      amount = remaining - value;
      break;
    default:
      throw new RangeError(`invalid benefit type ${String(type)}`);
  }
  return Math.max(0, Math.min(amount, remaining));
}

const prio = (r: DiscountRule): number => r.priority ?? 0;
const byId = (a: DiscountRule, b: DiscountRule): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function applied(rule: DiscountRule, amount: number): AppliedDiscount {
  return {
    ruleId: rule.id,
    name: rule.name,
    amount,
    fundedBy: rule.fundedBy,
    ...(typeof rule.version === 'number' ? { ruleVersion: rule.version } : {}),
  };
}

/** Prices one order (one meal) for one elder. See the policy at the top of this file. */
export function computePricing(ctx: PricingContext): Pricing {
  const subtotal = validateContext(ctx);
  for (const r of ctx.rules) validateRule(r);
  const age = ageOn(ctx.elder.birthDate, ctx.date);
  const deliveryFee = ctx.fulfilment === 'delivery' ? ctx.canteen.deliveryFee : 0;

  const eligible = ctx.rules.filter((r) => applies(r, ctx, age));
  const { discounts, remaining } = combine(eligible, subtotal);
  return { subtotal, discounts, deliveryFee, payable: remaining + deliveryFee };
}

/** The combining policy (exclusive winner, then stackables) on the applicable rules. */
export function combine(
  eligible: DiscountRule[],
  subtotal: number,
): { discounts: AppliedDiscount[]; remaining: number } {
  const discounts: AppliedDiscount[] = [];
  let remaining = subtotal;

  // 1. exclusive winner
  let best: { rule: DiscountRule; amount: number } | null = null;
  for (const rule of eligible) {
    if (rule.stackable === true) continue;
    const amount = benefitAmount(rule, remaining);
    if (amount <= 0) continue;
    if (
      best === null ||
      prio(rule) > prio(best.rule) ||
      (prio(rule) === prio(best.rule) &&
        (amount > best.amount || (amount === best.amount && byId(rule, best.rule) < 0)))
    ) {
      best = { rule, amount };
    }
  }
  if (best) {
    discounts.push(applied(best.rule, best.amount));
    remaining -= best.amount;
  }

  // 2. stackable rules, priority desc then id asc, each on what remains
  const stackables = eligible
    .filter((r) => r.stackable === true)
    .sort((a, b) => prio(b) - prio(a) || byId(a, b));
  for (const rule of stackables) {
    const amount = benefitAmount(rule, remaining);
    if (amount <= 0) continue;
    discounts.push(applied(rule, amount));
    remaining -= amount;
  }
  return { discounts, remaining };
}

/** True iff any discount was applied: such an order counts against perElderPerSlotPerDay caps. */
export function isSubsidised(p: Pricing): boolean {
  return p.discounts.some((d) => d.amount > 0);
}
