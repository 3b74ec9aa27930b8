import mongoose, { Schema } from 'mongoose';
import type { AbilityLevel, CareLevel, IndicatorId } from '@yiyangtong/shared';

/**
 * One capability assessment (GB/T 42195-2022) of one elder. Append-only: an assessment is never
 * edited; a new one is made instead, and the elder's `careLevel` follows the latest by `assessedAt`.
 */
export interface AssessmentDoc {
  _id: mongoose.Types.ObjectId;
  elderId: string;
  communityId: string;
  items: { code: string; score: number }[];
  indicators: { id: IndicatorId; name: string; score: number; max: number }[];
  total: number;
  level: AbilityLevel;
  levelName: string;
  careLevel: CareLevel;
  /** China date of the assessment. */
  assessedAt: string;
  notes?: string;
  assessedBy: { userId: string; name: string; role: string };
  createdAt: Date;
}

const assessmentSchema = new Schema<AssessmentDoc>(
  {
    elderId: { type: String, required: true },
    communityId: { type: String, required: true },
    items: [new Schema({ code: String, score: Number }, { _id: false })],
    indicators: [new Schema({ id: String, name: String, score: Number, max: Number }, { _id: false })],
    total: Number,
    level: String,
    levelName: String,
    careLevel: String,
    assessedAt: { type: String, required: true },
    notes: String,
    assessedBy: new Schema({ userId: String, name: String, role: String }, { _id: false }),
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// The one query: an elder's assessments (a handful per elder, sorted in TypeScript).
assessmentSchema.index({ elderId: 1 });
export const Assessment = mongoose.model<AssessmentDoc>('Assessment', assessmentSchema);

/** Latest first: by the day assessed, then by when it was recorded (ids grow with time). */
export const latestFirst = (a: AssessmentDoc, b: AssessmentDoc) =>
  b.assessedAt.localeCompare(a.assessedAt) || String(b._id).localeCompare(String(a._id));

export function assessmentView(a: AssessmentDoc) {
  return {
    id: String(a._id),
    elderId: a.elderId,
    assessedAt: a.assessedAt,
    total: a.total,
    level: a.level,
    levelName: a.levelName,
    careLevel: a.careLevel,
    indicators: a.indicators.map((i) => ({ id: i.id, name: i.name, score: i.score, max: i.max })),
    items: a.items.map((i) => ({ code: i.code, score: i.score })),
    ...(a.notes ? { notes: a.notes } : {}),
    assessedBy: { name: a.assessedBy.name, role: a.assessedBy.role },
    createdAt: a.createdAt.toISOString(),
  };
}
