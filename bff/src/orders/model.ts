import mongoose, { Schema } from 'mongoose';
import { invalidateOnWrites, WriteGuardedCache } from '../db/write-guarded-cache';
import { writeLock } from '../db/write-lock';
import type { Fulfilment, Pricing, Role, Slot } from '@yiyangtong/shared';

import type { MealOrderStatus } from '@yiyangtong/shared';
export type { MealOrderStatus };

export interface OrderLine {
  dishId: string;
  name: string;
  price: number;
  qty: number;
}

export interface StatusChange {
  status: MealOrderStatus;
  at: Date;
  by: { userId: string; role: Role };
}

export interface MealOrderDoc {
  _id: mongoose.Types.ObjectId;
  elderId: string;
  elderName: string;
  communityId: string;
  canteenId: string;
  date: string;
  slot: Slot;
  items: OrderLine[];
  fulfilment: Fulfilment;
  address?: string;
  pricing: Pricing; // stored as charged: the monthly settlement adds these up
  pickupCode: string;
  // Equality keys for the lists that grow with the district (see orderKeys below).
  canteenDay: string;
  communityDay: string;
  elderMonth: string;
  canteenMonth: string;
  subsidyClaimId?: string;
  /**
   * One live meal per elder, date and slot unless asked for (unique index): `elderId:date:slot`
   * on the order holding that meal, `x:<orderId>` on a cancelled one or a second meal added on purpose.
   */
  liveSlot?: string;
  /** Cancelled, portions or subsidy claim not yet given back (the recovery sweep finishes it). */
  pendingRelease?: true;
  /** 助餐卡: paid at booking from the card (refunded on cancel); 到店付: collected at check-out. */
  payment?: {
    method: 'card' | 'counter';
    amount: number;
    status: 'paid' | 'unpaid';
    paidAt?: Date;
    collectedBy?: { userId: string; role: Role; name?: string };
  };
  /** `via: 'standing_order'`: placed by the scheduler for the standing order set up by this person. */
  bookedBy: { userId: string; role: Role; name: string; via?: 'standing_order' };
  standingOrderId?: string;
  /**
   * A delivery's outcome at the door, as the canteen's staff recorded it (orders/delivery.ts):
   * `delivered` goes with status `served`; `not_home` / `unwell` leave the status as it was
   * (the meal was cooked: settled like a no-show) and raised the alarm `sosId`.
   */
  delivery?: {
    outcome: 'delivered' | 'not_home' | 'unwell';
    at: Date;
    by: { userId: string; role: Role; name?: string };
    notes?: string;
    sosId?: string;
  };
  status: MealOrderStatus;
  history: StatusChange[];
  cutoffAt: Date;
  createdAt: Date;
}

/**
 * On the embedded FerretDB only equality on an indexed field reaches an index (no ranges,
 * no sort), so every list that grows with the district is keyed by one equality:
 * the staff's day sheet, a community's day, an elder's month, a canteen's month (settlement).
 */
export function orderKeys(o: { canteenId: string; communityId: string; elderId: string; date: string }) {
  const month = o.date.slice(0, 7);
  return {
    canteenDay: `${o.canteenId}:${o.date}`,
    communityDay: `${o.communityId}:${o.date}`,
    elderMonth: `${o.elderId}:${month}`,
    canteenMonth: `${o.canteenId}:${month}`,
  };
}

const by = new Schema({ userId: String, role: String, name: String, via: String }, { _id: false });
const mealOrderSchema = new Schema<MealOrderDoc>(
  {
    elderId: String,
    elderName: String,
    communityId: String,
    canteenId: String,
    date: String,
    slot: String,
    items: [
      new Schema<OrderLine>({ dishId: String, name: String, price: Number, qty: Number }, { _id: false }),
    ],
    fulfilment: String,
    address: String,
    pricing: Schema.Types.Mixed,
    pickupCode: String,
    canteenDay: String,
    communityDay: String,
    elderMonth: String,
    canteenMonth: String,
    subsidyClaimId: String,
    liveSlot: String,
    pendingRelease: Boolean,
    payment: new Schema(
      { method: String, amount: Number, status: String, paidAt: Date, collectedBy: by },
      { _id: false },
    ),
    bookedBy: by,
    standingOrderId: String,
    delivery: new Schema({ outcome: String, at: Date, by, notes: String, sosId: String }, { _id: false }),
    status: String,
    history: [new Schema<StatusChange>({ status: String, at: Date, by }, { _id: false })],
    cutoffAt: Date,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
/** Pickup codes are unique per canteen and day (E11000 → draw another code). */
export const PICKUP_CODE_INDEX = 'pickup_code_per_canteen_day';
mealOrderSchema.index({ canteenDay: 1, pickupCode: 1 }, { unique: true, name: PICKUP_CODE_INDEX });
/** A second live order for the same elder, date and slot → E11000 → 409 ALREADY_BOOKED. */
export const LIVE_SLOT_INDEX = 'one_live_meal_per_elder_slot';
mealOrderSchema.index({ liveSlot: 1 }, { unique: true, name: LIVE_SLOT_INDEX });
export const liveSlotKey = (elderId: string, date: string, slot: Slot) => `${elderId}:${date}:${slot}`;
export const freeSlotKey = (orderId: string) => `x:${orderId}`;
mealOrderSchema.index({ communityDay: 1 });
mealOrderSchema.index({ date: 1 }); // the admin's day, the figures' recount of a day
mealOrderSchema.index({ elderMonth: 1 });
mealOrderSchema.index({ canteenMonth: 1 });
mealOrderSchema.index({ pendingRelease: 1 }); // the recovery sweep: few documents ever carry it
/** Day sheets read again while no meal order was written (orders/queries.ts). */
export const daySheetReads = new WriteGuardedCache<MealOrderDoc[]>(() => writeLock.mode === 'process');
invalidateOnWrites(mealOrderSchema, daySheetReads);
export const MealOrder = mongoose.model<MealOrderDoc>('MealOrder', mealOrderSchema, 'meal_orders');

/**
 * Idempotency keys, `_id` = `userId:key`, inserted before an order is placed with the id
 * that order will get (E11000: someone already holds the key; the order existing means done).
 */
/** What a meal placement keeps on its Idempotency-Key for the recovery sweep (core/idempotency.ts). */
export interface MealKeyJournal {
  menuId: string;
  elderId: string;
  date: string;
  slot: Slot;
}

/**
 * The subsidy cap, enforced by `_id` uniqueness: a subsidised order holds claim
 * `elderId:date:slot:k` for the lowest free k; a rule capped at N applies only while fewer
 * than N claims exist. Two concurrent orders cannot both hold claim k.
 */
export interface SubsidyClaimDoc {
  _id: string;
  orderId?: string;
}
export const SubsidyClaim = mongoose.model<SubsidyClaimDoc>(
  'SubsidyClaim',
  new Schema<SubsidyClaimDoc>({ _id: String, orderId: String }, { versionKey: false }),
  'subsidy_claims',
);
/** perElderPerSlotPerDay is at most 3 (schema): claims k = 0..2. */
export const MAX_CAP = 3;
export const claimId = (elderId: string, date: string, slot: Slot, k: number) =>
  `${elderId}:${date}:${slot}:${k}`;
