import mongoose, { Schema } from 'mongoose';
import { invalidateOnWrites, WriteGuardedCache } from '../db/write-guarded-cache';
import { writeLock } from '../db/write-lock';
import { maskIdCardNo, maskPhone, reassessmentDue } from '@yiyangtong/shared';
import type { CareLevel, EligibilityGroup, ElderStatus, RetireReason } from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { idCardCipher } from './idcard-crypto';

export interface EmergencyContact {
  name: string;
  phone: string;
  relation?: string;
}

/**
 * Why and when an elder left the programme (POST /api/elders/:id/retire). Written whole with
 * `status: 'retiring'` (the mark: a crash after it is finished by the recovery sweep,
 * ./retirement.ts), kept when `status` becomes 'retired'.
 */
export interface Retirement {
  reason: RetireReason;
  /** China date the elder left (YYYY-MM-DD) */
  date: string;
  notes?: string;
  payoutMethod: 'cash' | 'family';
  by: { userId: string; role: string; name?: string };
  startedAt: Date;
  /** What the steps did (filled in as they run; the page's result in words). */
  mealsCancelled?: number;
  standingOrdersEnded?: number;
  visitsCancelled?: number;
  paidOut?: number;
}

export interface ElderDoc {
  _id: mongoose.Types.ObjectId;
  name: string;
  /** The ID number sealed (./idcard-crypto.ts): never stored in plain. */
  idCardEnc: string;
  /** Its blind index: what the duplicate check and look-ups by number compare. */
  idCardIndex: string;
  phone?: string;
  birthDate: string;
  gender?: 'male' | 'female';
  address: string;
  location?: { lng: number; lat: number };
  communityId: string;
  groups: EligibilityGroup[];
  /** From the latest capability assessment (assessments/routes.ts); older records may carry one typed by hand. */
  careLevel?: CareLevel;
  /** 独居 (PATCH /api/elders/:id): suggested for proactive care calls. */
  livesAlone?: boolean;
  /** China date of the latest assessment, and its id (the optimistic condition when it changes). */
  lastAssessedAt?: string;
  assessmentId?: string;
  diet: string[];
  emergencyContacts: EmergencyContact[];
  userId?: string;
  /** Free words of the office (e.g. 「女儿每周三来」). */
  notes?: string;
  /** Missing on elders registered before retirement existed: read as 'active'. */
  status?: ElderStatus;
  retirement?: Retirement;
  retiredAt?: Date;
  createdBy: string;
  createdAt: Date;
}

const elderSchema = new Schema<ElderDoc>(
  {
    name: { type: String, required: true },
    idCardEnc: { type: String, required: true },
    idCardIndex: { type: String, required: true },
    phone: String,
    birthDate: { type: String, required: true },
    gender: String,
    address: String,
    location: new Schema({ lng: Number, lat: Number }, { _id: false }),
    communityId: { type: String, required: true },
    groups: [String],
    careLevel: String,
    livesAlone: Boolean,
    lastAssessedAt: String,
    assessmentId: String,
    diet: [String],
    emergencyContacts: [
      new Schema<EmergencyContact>({ name: String, phone: String, relation: String }, { _id: false }),
    ],
    userId: String,
    notes: String,
    status: String,
    retirement: new Schema(
      {
        reason: String,
        date: String,
        notes: String,
        payoutMethod: String,
        by: new Schema({ userId: String, role: String, name: String }, { _id: false }),
        startedAt: Date,
        mealsCancelled: Number,
        standingOrdersEnded: Number,
        visitsCancelled: Number,
        paidOut: Number,
      },
      { _id: false },
    ),
    retiredAt: Date,
    createdBy: String,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// One elder per identity number, across processes (E11000 → 409); also the look-up by number.
elderSchema.index({ idCardIndex: 1 }, { unique: true });
elderSchema.index({ communityId: 1 });
// The recovery sweep: retirements a crash left half done ({status: 'retiring'}, few ever).
elderSchema.index({ status: 1 });
/** Elders read for a booking, again while no elder was written (db/write-guarded-cache.ts). */
export const elderReads = new WriteGuardedCache<ElderDoc | null>(
  () => writeLock.mode === 'process',
  5_000,
  20_000,
);
invalidateOnWrites(elderSchema, elderReads);
export const Elder = mongoose.model<ElderDoc>('Elder', elderSchema);

/** Invite codes: `_id` is the code itself; single use, 7 days. */
export interface InviteDoc {
  _id: string;
  elderId: string;
  createdBy: string;
  expiresAt: Date;
  usedBy: string | null;
}
export const Invite = mongoose.model<InviteDoc>(
  'Invite',
  new Schema<InviteDoc>(
    {
      _id: String,
      elderId: String,
      createdBy: String,
      expiresAt: Date,
      usedBy: { type: String, default: null },
    },
    { versionKey: false },
  ),
);

/** A family user may act for an elder: `_id` = `familyUserId:elderId` (unique by construction). */
export interface FamilyLinkDoc {
  _id: string;
  familyUserId: string;
  elderId: string;
  createdAt: Date;
}
const familyLinkSchema = new Schema<FamilyLinkDoc>(
  { _id: String, familyUserId: String, elderId: String },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// Queries: {elderId} (who to tell about an SOS or a finished visit), {familyUserId} (my elders).
familyLinkSchema.index({ elderId: 1 });
familyLinkSchema.index({ familyUserId: 1 });
export const FamilyLink = mongoose.model<FamilyLinkDoc>('FamilyLink', familyLinkSchema);
export const familyLinkId = (familyUserId: string, elderId: string) => `${familyUserId}:${elderId}`;

/** Retired, or being retired: nothing new may be booked for them (409 ELDER_RETIRED). */
export const isRetired = (e: Pick<ElderDoc, 'status'>) => e.status === 'retired' || e.status === 'retiring';

/**
 * What a caller sees of an elder: ID number and phones whole only for admin (PIPL).
 * Given `today` (China date), workers and admin also see when the elder was last assessed
 * and whether a reassessment is due (需复评).
 */
export function elderView(e: ElderDoc, viewer: Actor, today?: string) {
  const whole = viewer.role === 'admin';
  const idCardNo = idCardCipher().open(e.idCardEnc);
  return {
    id: String(e._id),
    name: e.name,
    idCardNo: whole ? idCardNo : maskIdCardNo(idCardNo),
    ...(e.phone ? { phone: whole ? e.phone : maskPhone(e.phone) } : {}),
    birthDate: e.birthDate,
    ...(e.gender ? { gender: e.gender } : {}),
    address: e.address,
    ...(e.location ? { location: { lng: e.location.lng, lat: e.location.lat } } : {}),
    communityId: e.communityId,
    groups: e.groups ?? [],
    ...(e.careLevel ? { careLevel: e.careLevel } : {}),
    ...(e.livesAlone !== undefined ? { livesAlone: e.livesAlone } : {}),
    diet: e.diet ?? [],
    emergencyContacts: (e.emergencyContacts ?? []).map((c) => ({
      name: c.name,
      phone: whole ? c.phone : maskPhone(c.phone),
      ...(c.relation ? { relation: c.relation } : {}),
    })),
    hasAccount: Boolean(e.userId),
    ...(e.notes ? { notes: e.notes } : {}),
    status: e.status ?? 'active',
    ...(e.retirement
      ? {
          retirement: {
            reason: e.retirement.reason,
            date: e.retirement.date,
            ...(e.retirement.notes ? { notes: e.retirement.notes } : {}),
            payoutMethod: e.retirement.payoutMethod,
            by: e.retirement.by,
            ...(e.retiredAt ? { retiredAt: new Date(e.retiredAt).toISOString() } : {}),
            mealsCancelled: e.retirement.mealsCancelled ?? 0,
            standingOrdersEnded: e.retirement.standingOrdersEnded ?? 0,
            visitsCancelled: e.retirement.visitsCancelled ?? 0,
            paidOut: e.retirement.paidOut ?? 0,
          },
        }
      : {}),
    ...(today && (viewer.role === 'worker' || viewer.role === 'admin')
      ? {
          ...(e.lastAssessedAt ? { lastAssessedAt: e.lastAssessedAt } : {}),
          reassessmentDue: reassessmentDue(e.lastAssessedAt, today),
        }
      : {}),
  };
}
