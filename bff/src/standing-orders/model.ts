import mongoose, { Schema } from 'mongoose';
import type { Fulfilment, Pause, Role, Slot, StandingItem } from '@yiyangtong/shared';

export type Payment = 'card' | 'counter';

/**
 * Who set the standing order up: the actor its orders are placed as (the same access
 * checks as a booking by that person, and `bookedBy` on each order).
 */
export interface StandingActor {
  userId: string;
  role: Role;
  name: string;
  communityId?: string;
  canteenId?: string;
  elderId?: string;
}

export interface StandingOrderDoc {
  _id: mongoose.Types.ObjectId;
  elderId: string;
  elderName: string;
  communityId: string;
  canteenId: string;
  canteenName: string;
  slot: Slot;
  weekdays: number[];
  items: StandingItem[];
  fulfilment: Fulfilment;
  payment: Payment;
  pauses: Pause[];
  status: 'active' | 'ended';
  /** China date it was set up: materialised from the next day on. */
  startsAfter: string;
  createdBy: StandingActor;
  endedAt?: Date;
  createdAt: Date;
}

const actorSchema = new Schema<StandingActor>(
  { userId: String, role: String, name: String, communityId: String, canteenId: String, elderId: String },
  { _id: false },
);
const standingOrderSchema = new Schema<StandingOrderDoc>(
  {
    elderId: String,
    elderName: String,
    communityId: String,
    canteenId: String,
    canteenName: String,
    slot: String,
    weekdays: [Number],
    items: [
      new Schema<StandingItem>(
        { dishId: String, name: String, qty: Number, fallback: String },
        { _id: false },
      ),
    ],
    fulfilment: String,
    payment: String,
    pauses: [new Schema<Pause>({ id: String, from: String, to: String }, { _id: false })],
    status: String,
    startsAfter: String,
    createdBy: actorSchema,
    endedAt: Date,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// Queries: {elderId} (an elder's list, the overlap check), {canteenId, status} (the scheduler's
// and the forecast's read of one canteen).
standingOrderSchema.index({ elderId: 1 });
standingOrderSchema.index({ canteenId: 1 });
export const StandingOrder = mongoose.model<StandingOrderDoc>(
  'StandingOrder',
  standingOrderSchema,
  'standing_orders',
);

export type RunStatus = 'pending' | 'placed' | 'failed';

/**
 * One materialisation of a standing order: `_id` = `elderId:date:slot`, so there is at most
 * one per elder, day and meal whatever the number of processes, restarts or standing orders
 * (the first inserted wins; E11000 for everyone else). The same document is the run log
 * entry the elder's family reads: placed with its order, or why not.
 */
export interface StandingRunDoc {
  _id: string;
  standingOrderId: string;
  elderId: string;
  canteenId: string;
  date: string;
  slot: Slot;
  /** `standingOrderId:YYYY-MM`: a standing order's run log by month (equality, indexed). */
  standingMonth: string;
  status: RunStatus;
  orderId?: string;
  error?: { code: string; message: string } | null;
  attempts: number;
  updatedAt: Date;
}

const runSchema = new Schema<StandingRunDoc>(
  {
    _id: String,
    standingOrderId: String,
    elderId: String,
    canteenId: String,
    date: String,
    slot: String,
    standingMonth: String,
    status: String,
    orderId: String,
    error: { type: new Schema({ code: String, message: String }, { _id: false }), default: null },
    attempts: { type: Number, default: 0 },
    updatedAt: Date,
  },
  { versionKey: false },
);
runSchema.index({ standingMonth: 1 });
export const StandingRun = mongoose.model<StandingRunDoc>('StandingRun', runSchema, 'standing_order_runs');

export const runId = (elderId: string, date: string, slot: Slot) => `${elderId}:${date}:${slot}`;
export const standingMonth = (standingOrderId: string, date: string) =>
  `${standingOrderId}:${date.slice(0, 7)}`;

/**
 * "This failure was told to the family and worker": `_id` = `runId:code`, inserted once
 * (E11000 → someone already told them), so two processes never send the same notice twice.
 */
export const StandingNotice = mongoose.model<{ _id: string; at: Date }>(
  'StandingNotice',
  new Schema<{ _id: string; at: Date }>({ _id: String, at: Date }, { versionKey: false }),
  'standing_order_notices',
);
