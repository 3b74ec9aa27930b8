import mongoose, { Schema } from 'mongoose';
import type { AuditChange, AuditTargetType, Role } from '@yiyangtong/shared';

/**
 * The audit log: one entry per change a person made to records or money, append-only (no route
 * updates or deletes one). Lists are walked newest first by equality keys (FerretDB serves only
 * equality on an indexed top-level field): `targetKey` for one record's history, `actorDay` for
 * one person's day, `communityDay` for a community's day, `hour` for everything in an hour.
 */
export interface AuditDoc {
  _id: mongoose.Types.ObjectId;
  at: Date;
  actorId: string;
  actorRole: Role | 'system';
  actorName: string;
  action: string;
  targetType: AuditTargetType;
  targetId: string;
  communityId?: string;
  /** before/after values, ID numbers and phones already masked */
  changes?: AuditChange[];
  reason?: string;
  targetKey: string;
  actorDay: string;
  communityDay?: string;
  hour: string;
}

const auditSchema = new Schema<AuditDoc>(
  {
    at: { type: Date, required: true },
    actorId: { type: String, required: true },
    actorRole: { type: String, required: true },
    actorName: { type: String, required: true },
    action: { type: String, required: true },
    targetType: { type: String, required: true },
    targetId: { type: String, required: true },
    communityId: String,
    changes: { type: [Schema.Types.Mixed], default: undefined },
    reason: String,
    targetKey: { type: String, required: true },
    actorDay: { type: String, required: true },
    communityDay: String,
    hour: { type: String, required: true },
  },
  { versionKey: false, collection: 'audit_log' },
);
auditSchema.index({ targetKey: 1 });
auditSchema.index({ actorDay: 1 });
auditSchema.index({ communityDay: 1 });
auditSchema.index({ hour: 1 });
export const AuditEntryModel = mongoose.model<AuditDoc>('AuditEntry', auditSchema);

/**
 * Which China hours of a day hold entries (`_id` the date, `hours.HH: true`), so that the
 * unfiltered walk reads a day's marker first and queries only the hours that have entries.
 */
export interface AuditDayDoc {
  _id: string;
  hours: Record<string, boolean>;
}
export const AuditDay = mongoose.model<AuditDayDoc>(
  'AuditDay',
  new Schema<AuditDayDoc>(
    { _id: String, hours: Schema.Types.Mixed },
    { versionKey: false, collection: 'audit_days' },
  ),
);
