import mongoose, { Schema } from 'mongoose';
import type { CareOutcome } from '@yiyangtong/shared';
import type { Who } from '../services/model';

/**
 * 主动关怀: one plan per elder, by construction: `_id` = the elder's id (E11000 on a second
 * insert; the plan is then updated). It also carries the elder's call sequence: `seq` is the
 * number of calls recorded and `lastOutcome` the outcome of call `seq`, so "a second no-answer
 * in a row" is decided by the call's unique `_id` (`elderId:seq`), not by a race.
 */
export interface CarePlanDoc {
  _id: string;
  elderId: string;
  communityId: string;
  /** ISO weekdays, 1 = Monday … 7 = Sunday; all seven = daily. */
  weekdays: number[];
  notes?: string;
  status: 'active' | 'ended';
  /** China date the plan (re)started: calls are due from that day on (never missed before it). */
  since: string;
  /** China date it ended (not due from then on). */
  endedOn?: string;
  seq: number;
  lastOutcome?: CareOutcome;
  createdBy: Who;
  createdAt: Date;
  updatedAt: Date;
}

const who = new Schema<Who>({ userId: String, role: String, name: String }, { _id: false });
const planSchema = new Schema<CarePlanDoc>(
  {
    _id: String,
    elderId: String,
    communityId: String,
    weekdays: [Number],
    notes: String,
    status: String,
    since: String,
    endedOn: String,
    seq: { type: Number, default: 0 },
    lastOutcome: String,
    createdBy: who,
  },
  { timestamps: true, versionKey: false },
);
// Queries: {communityId} (a community's plans: the day's list, the suggestions, the figures).
planSchema.index({ communityId: 1 });
export const CarePlan = mongoose.model<CarePlanDoc>('CarePlan', planSchema, 'care_plans');

/** One recorded call: `_id` = `elderId:seq` (unique: two workers at once get two numbers). */
export interface CareCallDoc {
  _id: string;
  elderId: string;
  elderName: string;
  communityId: string;
  /** China date of the call, and `communityId:date` (the day's list, the figures). */
  date: string;
  communityDay: string;
  seq: number;
  outcome: CareOutcome;
  /** The outcome of the elder's call before this one (call `seq - 1`). */
  previousOutcome?: CareOutcome;
  notes?: string;
  by: Who;
  calledAt: Date;
  /** Unwell, or a second no-answer in a row: an alarm was raised (or one was already open). */
  escalated: boolean;
  /** An escalation's alarm: `pending` from the call's insert until raised (a crash between the
   * two is finished by the recovery sweep, ./service.ts recoverCareAlarms), then `raised`. */
  alarm?: 'pending' | 'raised';
  sosId?: string;
}

const callSchema = new Schema<CareCallDoc>(
  {
    _id: String,
    elderId: String,
    elderName: String,
    communityId: String,
    date: String,
    communityDay: String,
    seq: Number,
    outcome: String,
    previousOutcome: String,
    notes: String,
    by: who,
    calledAt: Date,
    escalated: Boolean,
    alarm: String,
    sosId: String,
  },
  { versionKey: false },
);
// Queries: {communityDay} (a community's calls of one day), {alarm: 'pending'} (the recovery
// sweep: escalations whose alarm a crash left unraised, few ever).
callSchema.index({ communityDay: 1 });
callSchema.index({ alarm: 1 });
export const CareCall = mongoose.model<CareCallDoc>('CareCall', callSchema, 'care_calls');

export const careCallId = (elderId: string, seq: number) => `${elderId}:${seq}`;
export const communityDay = (communityId: string, date: string) => `${communityId}:${date}`;
