/** Meal-order events feed the day counters (on the meal's date) and the booker's notice. */
import { notify } from '../notifications/notifier';
import type { MealOrderDoc } from '../orders/model';
import { bumpCounters } from './counters';
import { SLOT_LABELS } from '@yiyangtong/shared';

export const subsidyOf = (o: Pick<MealOrderDoc, 'pricing'>) =>
  o.pricing.discounts.reduce((sum, d) => sum + d.amount, 0);

/** `subsidyBy.<fundedBy>` amounts of one order, times `sign` (the day counters' split by funder). */
export function subsidyByFunder(o: Pick<MealOrderDoc, 'pricing'>, sign = 1): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of o.pricing.discounts)
    out[`subsidyBy.${d.fundedBy}`] = (out[`subsidyBy.${d.fundedBy}`] ?? 0) + sign * d.amount;
  return out;
}

export async function onMealPlaced(o: MealOrderDoc): Promise<void> {
  await bumpCounters(o.communityId, o.date, {
    inc: { mealOrders: 1, subsidyTotal: subsidyOf(o), ...subsidyByFunder(o) },
  });
}

export async function onMealTransition(before: MealOrderDoc, after: MealOrderDoc): Promise<void> {
  if (after.status === 'cancelled' && before.status !== 'cancelled') {
    await bumpCounters(after.communityId, after.date, {
      inc: { mealOrders: -1, subsidyTotal: -subsidyOf(after), ...subsidyByFunder(after, -1) },
    });
  } else if (after.status === 'served' && before.status !== 'served') {
    await bumpCounters(after.communityId, after.date, { inc: { mealsServed: 1 } });
  } else if (after.status === 'confirmed') {
    await notify([
      {
        userId: after.bookedBy.userId,
        kind: 'meal_confirmed',
        title: '食堂已确认订餐',
        body: `${after.elderName} ${after.date} ${SLOT_LABELS[after.slot]}已确认，取餐码 ${after.pickupCode}`,
        refType: 'meal_order',
        refId: String(after._id),
      },
    ]);
  }
}
