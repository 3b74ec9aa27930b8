import mongoose, { Schema } from 'mongoose';
import type { AlarmSource, SosOutcome } from '@yiyangtong/shared';
import type { Who } from '../services/model';

import type { AlarmStatus } from '@yiyangtong/shared';
export type SosStatus = AlarmStatus;

export interface SosDoc {
  _id: mongoose.Types.ObjectId;
  elderId: string;
  elderName: string;
  communityId: string;
  status: SosStatus;
  /** absent on alarms stored before sources existed: those were the elder's */
  source?: AlarmSource;
  /** why a system alarm was raised, in words (「主动关怀：连续两次未接通」) */
  reason?: string;
  /** what raised it: the care call or the meal order */
  ref?: { type: 'care_call' | 'meal_order'; id: string };
  raisedBy: Who;
  raisedAt: Date;
  /** China date raised (figures, recount) */
  day: string;
  location?: { lng: number; lat: number };
  ack?: { at: Date; by: Who; seconds: number };
  resolution?: { at: Date; by: Who; notes?: string; outcome?: SosOutcome };
  /** raised by mistake: cancelled while still open (never acknowledged) */
  cancellation?: { at: Date; by: Who; reason?: string };
  timeline: { status: SosStatus; at: Date; by: Who; note?: string }[];
}

const who = new Schema<Who>({ userId: String, role: String, name: String }, { _id: false });
const schema = new Schema<SosDoc>(
  {
    elderId: String,
    elderName: String,
    communityId: String,
    status: String,
    source: String,
    reason: String,
    ref: new Schema({ type: String, id: String }, { _id: false }),
    raisedBy: who,
    raisedAt: Date,
    day: String,
    location: new Schema({ lng: Number, lat: Number }, { _id: false }),
    ack: new Schema({ at: Date, by: who, seconds: Number }, { _id: false }),
    resolution: new Schema({ at: Date, by: who, notes: String, outcome: String }, { _id: false }),
    cancellation: new Schema({ at: Date, by: who, reason: String }, { _id: false }),
    timeline: [new Schema({ status: String, at: Date, by: who, note: String }, { _id: false })],
  },
  { versionKey: false },
);
// Queries: {communityId, status} (a community's open alarms), {status} (admin),
// {elderId} (an elder's alarms, family), {day} (recount).
schema.index({ communityId: 1, status: 1 });
schema.index({ status: 1 });
schema.index({ elderId: 1 });
schema.index({ day: 1 });
export const Sos = mongoose.model<SosDoc>('Sos', schema, 'sos_alarms');

/**
 * The one open alarm per elder, across processes: `_id` = elderId, inserted when an alarm
 * is raised (E11000 → an alarm is already open: return it), deleted when it is resolved or cancelled.
 */
export interface SosOpenDoc {
  _id: string;
  sosId: string;
  createdAt: Date;
}
export const SosOpen = mongoose.model<SosOpenDoc>(
  'SosOpen',
  new Schema<SosOpenDoc>(
    { _id: String, sosId: String },
    { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
  ),
  'sos_open',
);
