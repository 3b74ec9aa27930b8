import { z } from 'zod';
import { DateSchema, IdSchema, RoleSchema } from './common';

/** What an audit entry is about. */
export const AUDIT_TARGET_TYPES = [
  'elder',
  'user',
  'discount_rule',
  'canteen',
  'dish',
  'service_item',
  'meal_card',
  'meal_order',
  'service_order',
  'standing_order',
  'assessment',
  'setting',
  'service_package',
  'elder_package',
  'care_plan',
  'care_call',
] as const;
export const AuditTargetTypeSchema = z.enum(AUDIT_TARGET_TYPES);
export type AuditTargetType = z.infer<typeof AuditTargetTypeSchema>;

/** Without a target or a person to follow, one query may span this many days at most. */
export const AUDIT_UNFILTERED_MAX_DAYS = 31;
export const AUDIT_MAX_DAYS = 366;

const auditFilters = {
  targetType: AuditTargetTypeSchema.optional(),
  targetId: z
    .string()
    .regex(/^[0-9A-Za-z_:-]{1,80}$/, '对象编号格式不正确')
    .optional(),
  actorId: IdSchema.optional(),
  /** admin only: entries about one community's records (a worker always sees only their own) */
  communityId: IdSchema.optional(),
  from: DateSchema.optional(),
  to: DateSchema.optional(),
};

/** GET /api/audit and /api/audit.csv; `from`/`to` are China dates, newest first. */
export const AuditQuerySchema = z.object({
  ...auditFilters,
  /** the `nextBefore` of the previous page */
  before: IdSchema.optional(),
});
export type AuditQuery = z.infer<typeof AuditQuerySchema>;
export const AuditCsvQuerySchema = z.object(auditFilters);

export const AuditChangeSchema = z.object({
  field: z.string(),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
});
export type AuditChange = z.infer<typeof AuditChangeSchema>;

export const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ userId: z.string(), role: z.union([RoleSchema, z.literal('system')]), name: z.string() }),
  action: z.string(),
  targetType: AuditTargetTypeSchema,
  targetId: z.string(),
  communityId: z.string().optional(),
  changes: z.array(AuditChangeSchema).optional(),
  reason: z.string().optional(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;

export const AuditPageSchema = z.object({
  items: z.array(AuditEntrySchema),
  nextBefore: z.string().optional(),
});
