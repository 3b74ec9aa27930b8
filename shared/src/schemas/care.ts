import { z } from 'zod';
import { DateSchema, IdSchema, text } from './common';

/** 主动关怀: what a care call found. */
export const CARE_OUTCOMES = ['well', 'unwell', 'no_answer'] as const;
export const CareOutcomeSchema = z.enum(CARE_OUTCOMES);
export type CareOutcome = z.infer<typeof CareOutcomeSchema>;
export const CARE_OUTCOME_NAMES: Record<CareOutcome, string> = {
  well: '平安',
  unwell: '身体不适',
  no_answer: '未接通',
};

/** POST /api/care-plans: puts an elder on the plan, or changes the plan's days (one plan per elder). */
export const CarePlanBodySchema = z.strictObject({
  elderId: IdSchema,
  weekdays: z
    .array(z.int().min(1, '星期应为 1（周一）到 7（周日）').max(7, '星期应为 1（周一）到 7（周日）'))
    .min(1, '请至少选择一天')
    .max(7)
    .refine((xs) => new Set(xs).size === xs.length, '星期不能重复')
    .meta({ uniqueItems: true }),
  notes: text(200, { min: 0 }).optional(),
});
export type CarePlanBody = z.input<typeof CarePlanBodySchema>;

/** GET /api/care-calls: one China date (default today). */
export const CareCallsQuerySchema = z.object({
  date: DateSchema.optional(),
  /** admin only (required for admin); a worker's is always their own community */
  communityId: IdSchema.optional(),
});

/** GET /api/care-plans */
export const CarePlansQuerySchema = z.object({ communityId: IdSchema.optional() });

/** POST /api/care-calls: the outcome of one call. */
export const CareCallBodySchema = z.strictObject({
  elderId: IdSchema,
  outcome: CareOutcomeSchema,
  notes: text(500, { min: 0 }).optional(),
});
export type CareCallBody = z.input<typeof CareCallBodySchema>;

/** GET /api/care-calls/summary: at most 92 days, `to` not before `from` (checked by the route: rule `to`). */
export const CareSummaryQuerySchema = z.object({
  from: DateSchema,
  to: DateSchema,
  communityId: IdSchema.optional(),
});
