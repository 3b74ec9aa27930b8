import { z } from 'zod';
import { ID_CARD_PROBLEM_WORDS, parseIdCardNo } from '../idcard';
import { GROUP_LABELS } from '../labels';
import {
  DateSchema,
  distinctItems,
  IdSchema,
  LocationSchema,
  NameSchema,
  PasswordSchema,
  PhoneSchema,
  text,
} from './common';

export const GROUPS = ['dibao', 'tekun', 'jiandang', 'youfu', 'jisheng', 'disabled'] as const;
export const GroupSchema = z.enum(GROUPS);
export const GROUP_NAMES: Record<(typeof GROUPS)[number], string> = GROUP_LABELS;
export const CareLevelSchema = z.enum(['intact', 'mild', 'moderate', 'severe']);

/** 18 characters (a lower-case x is read as X); the check digit and birth date are checked beyond the pattern. */
export const IdCardNoSchema = z
  .string()
  .regex(/^[1-9][0-9]{16}[0-9Xx]$/, ID_CARD_PROBLEM_WORDS.format)
  .transform((s) => s.toUpperCase())
  .superRefine((s, ctx) => {
    const parsed = parseIdCardNo(s);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: ID_CARD_PROBLEM_WORDS[parsed.problem] });
  });

export const EmergencyContactSchema = z.strictObject({
  name: NameSchema,
  phone: PhoneSchema,
  relation: text(20, { min: 0 }).optional(),
});

export const CreateElderBodySchema = z
  .strictObject({
    name: NameSchema,
    idCardNo: IdCardNoSchema,
    phone: PhoneSchema.optional(),
    birthDate: DateSchema,
    gender: z.enum(['male', 'female']).optional(),
    address: text(200, { empty: '请填写住址' }),
    location: LocationSchema.optional(),
    communityId: IdSchema,
    groups: z.array(GroupSchema).max(6).refine(distinctItems, '类别不能重复').meta({ uniqueItems: true }),
    // careLevel is not typed by hand: it follows the latest capability assessment (POST /api/elders/:id/assessments).
    diet: z.array(text(20)).max(20).optional(),
    emergencyContacts: z.array(EmergencyContactSchema).max(5).optional(),
  })
  .superRefine((e, ctx) => {
    const parsed = parseIdCardNo(e.idCardNo);
    if (!parsed.ok) return;
    if (parsed.info.birthDate !== e.birthDate) {
      ctx.addIssue({ code: 'custom', path: ['birthDate'], message: '出生日期与身份证号不一致' });
    }
    if (e.gender && parsed.info.gender !== e.gender) {
      ctx.addIssue({ code: 'custom', path: ['gender'], message: '性别与身份证号不一致' });
    }
  });

export const ElderStatusSchema = z.enum(['active', 'retiring', 'retired']);
export type ElderStatus = z.infer<typeof ElderStatusSchema>;

export const ElderSearchQuerySchema = z.object({
  q: text(40, { min: 0 }).optional(),
  communityId: IdSchema.optional(),
  /** `active` (the default: booking and care lists) or `retired` (the office's list of those who left). */
  status: z.enum(['active', 'retired']).optional(),
});

/**
 * PATCH /api/elders/:id: any of these; `idCardNo` only by admin (then birthDate and gender
 * follow the number). A change applies from now on: orders already placed keep their pricing.
 */
export const UpdateElderBodySchema = z.strictObject({
  name: NameSchema.optional(),
  phone: PhoneSchema.optional(),
  address: text(200, { empty: '请填写住址' }).optional(),
  location: LocationSchema.optional(),
  groups: z
    .array(GroupSchema)
    .max(6)
    .refine(distinctItems, '类别不能重复')
    .meta({ uniqueItems: true })
    .optional(),
  diet: z.array(text(20)).max(20).optional(),
  emergencyContacts: z.array(EmergencyContactSchema).max(5).optional(),
  notes: text(500, { min: 0 }).optional(),
  /** 独居: suggested for proactive care calls (主动关怀). */
  livesAlone: z.boolean().optional(),
  idCardNo: IdCardNoSchema.optional(),
});
export type UpdateElderBody = z.input<typeof UpdateElderBodySchema>;

export const RETIRE_REASONS = ['deceased', 'moved_away', 'withdrawn'] as const;
export const RetireReasonSchema = z.enum(RETIRE_REASONS);
export type RetireReason = z.infer<typeof RetireReasonSchema>;
export const RETIRE_REASON_NAMES: Record<RetireReason, string> = {
  deceased: '去世',
  moved_away: '迁出本区',
  withdrawn: '本人或家属申请退出',
};
export const PAYOUT_METHOD_NAMES = { cash: '现金退给本人', family: '退给家属' } as const;

/** POST /api/elders/:id/retire: the date defaults to today (China); the card balance is paid out by `payout.method` (default cash). */
export const RetireBodySchema = z.strictObject({
  reason: RetireReasonSchema,
  date: DateSchema.optional(),
  notes: text(500, { min: 0 }).optional(),
  payout: z.strictObject({ method: z.enum(['cash', 'family']) }).optional(),
});
export type RetireBody = z.input<typeof RetireBodySchema>;

/** POST /api/elders/:id/transfer (admin). */
export const TransferBodySchema = z.strictObject({
  communityId: IdSchema,
  reason: text(500, { min: 0 }).optional(),
});
export type TransferBody = z.input<typeof TransferBodySchema>;

/** POST /api/elders/:id/reinstate (admin). */
export const ReinstateBodySchema = z.strictObject({ reason: text(500, { min: 0 }).optional() });

export const ElderAccountBodySchema = z.strictObject({ phone: PhoneSchema, password: PasswordSchema });
export const FamilyLinkBodySchema = z.strictObject({
  code: z.string().regex(/^[A-Z0-9]{8}$/, '邀请码为8位字母数字'),
});
export const IdParamsSchema = z.strictObject({ id: IdSchema });
