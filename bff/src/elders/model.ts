import mongoose, { Schema } from 'mongoose';
import { maskIdCardNo, maskPhone, reassessmentDue } from '@yiyangtong/shared';
import type { CareLevel, EligibilityGroup } from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { idCardCipher } from './idcard-crypto';

export interface EmergencyContact {
  name: string;
  phone: string;
  relation?: string;
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
  /** China date of the latest assessment, and its id (the optimistic condition when it changes). */
  lastAssessedAt?: string;
  assessmentId?: string;
  diet: string[];
  emergencyContacts: EmergencyContact[];
  userId?: string;
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
    lastAssessedAt: String,
    assessmentId: String,
    diet: [String],
    emergencyContacts: [
      new Schema<EmergencyContact>({ name: String, phone: String, relation: String }, { _id: false }),
    ],
    userId: String,
    createdBy: String,
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// One elder per identity number, across processes (E11000 → 409); also the look-up by number.
elderSchema.index({ idCardIndex: 1 }, { unique: true });
elderSchema.index({ communityId: 1 });
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
    diet: e.diet ?? [],
    emergencyContacts: (e.emergencyContacts ?? []).map((c) => ({
      name: c.name,
      phone: whole ? c.phone : maskPhone(c.phone),
      ...(c.relation ? { relation: c.relation } : {}),
    })),
    hasAccount: Boolean(e.userId),
    ...(today && (viewer.role === 'worker' || viewer.role === 'admin')
      ? {
          ...(e.lastAssessedAt ? { lastAssessedAt: e.lastAssessedAt } : {}),
          reassessmentDue: reassessmentDue(e.lastAssessedAt, today),
        }
      : {}),
  };
}
