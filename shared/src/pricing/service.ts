/**
 * Home-service pricing: the same engine, rules and breakdown shape as meals
 * (原价 → each discount with its funder → 应付), pure and integer fen.
 *
 * POLICY (differences from meals only)
 * - Only rules with appliesTo 'service' apply, and when a rule lists serviceCategories the
 *   visit's category must be one of them.
 * - Canteen-scoped rules (canteenId set) and slot lists never apply to a visit; the
 *   per-slot cap (perElderPerSlotPerDay) is a meal cap and is ignored for services.
 * - Activity, validity, district, age, groups and care levels work exactly as for meals, and
 *   so does combining (one exclusive winner, then stackables). There is no delivery fee.
 */
import { ageOn, parseDate } from './age';
import { combine, personApplies, validateRule } from './engine';
import type { DiscountRule, Pricing, ServicePricingContext } from './types';

function serviceApplies(rule: DiscountRule, ctx: ServicePricingContext, age: number): boolean {
  if (rule.appliesTo !== 'service') return false;
  if (rule.canteenId !== null && rule.canteenId !== undefined) return false;
  if (
    rule.serviceCategories &&
    rule.serviceCategories.length > 0 &&
    !rule.serviceCategories.includes(ctx.category)
  )
    return false;
  return personApplies(rule, ctx, ctx.district, age);
}

export function computeServicePricing(ctx: ServicePricingContext): Pricing {
  if (!ctx || typeof ctx !== 'object' || !ctx.elder) throw new RangeError('context must be an object');
  parseDate(ctx.date, 'date');
  const age = ageOn(ctx.elder.birthDate, ctx.date);
  if (typeof ctx.category !== 'string' || !ctx.category) throw new RangeError('category missing');
  if (!Array.isArray(ctx.items) || !Array.isArray(ctx.rules))
    throw new RangeError('items and rules must be arrays');
  let subtotal = 0;
  for (const it of ctx.items) {
    if (!Number.isSafeInteger(it.price) || it.price < 0)
      throw new RangeError('price must be a non-negative integer');
    if (!Number.isSafeInteger(it.qty) || it.qty < 0)
      throw new RangeError('qty must be a non-negative integer');
    subtotal += it.price * it.qty;
  }
  if (!Number.isSafeInteger(subtotal)) throw new RangeError('subtotal out of range');
  for (const r of ctx.rules) validateRule(r);
  const { discounts, remaining } = combine(
    ctx.rules.filter((r) => serviceApplies(r, ctx, age)),
    subtotal,
  );
  return { subtotal, discounts, deliveryFee: 0, payable: remaining };
}
