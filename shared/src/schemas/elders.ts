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

export const ElderSearchQuerySchema = z.object({
  q: text(40, { min: 0 }).optional(),
  communityId: IdSchema.optional(),
});

export const ElderAccountBodySchema = z.strictObject({ phone: PhoneSchema, password: PasswordSchema });
export const FamilyLinkBodySchema = z.strictObject({
  code: z.string().regex(/^[A-Z0-9]{8}$/, '邀请码为8位字母数字'),
});
export const IdParamsSchema = z.strictObject({ id: IdSchema });
