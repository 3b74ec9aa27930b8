/**
 * 核销 at the counter: the order with this 取餐码 on this canteen's day (today unless the staff
 * chose another) is served; 到店付 is collected with it. A code of another day names that day
 * (pickup-lookup.ts); a served one is 409 ALREADY_SERVED.
 */
import { chinaDate } from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { conflict } from '../core/errors';
import type { MealOrderDoc } from './model';
import { pickupNotFound } from './pickup-lookup';
import { counterCollection, transition } from './service';
import { orderByPickupCode } from './queries';

/** The caller must already be this canteen's staff (assertStaffOf): the canteen is in the key. */
export async function checkOutByCode(
  actor: Actor,
  canteenId: string,
  code: string,
  date: string | undefined,
  now: Date,
): Promise<MealOrderDoc> {
  const day = date ?? chinaDate(now);
  const order = await orderByPickupCode(canteenId, day, code);
  if (!order || order.status === 'cancelled') throw await pickupNotFound(canteenId, code, day, now);
  if (order.status === 'served') throw conflict('ALREADY_SERVED', '这份餐已经取过了');
  const by = { userId: actor.id, role: actor.role, name: actor.name };
  return transition(order, 'serve', actor, now, counterCollection(order, by, now));
}
