import { z } from 'zod';
import { ID_CARD_PROBLEM_WORDS, parseIdCardNo } from '../idcard';
import { GROUP_LABELS } from '../labels';
import { DateSchema, IdSchema, LocationSchema, NameSchema, PasswordSchema, PhoneSchema } from './common';

export const GROUPS = ['dibao', 'tekun', 'jiandang', 'youfu', 'jisheng', 'disabled'] as const;
export const GroupSchema = z.enum(GROUPS);
export const GROUP_NAMES: Record<(typeof GROUPS)[number], string> = GROUP_LABELS;
export const CareLevelSchema = z.enum(['intact', 'mild', 'moderate', 'severe']);

export const IdCardNoSchema = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .superRefine((s, ctx) => {
    const parsed = parseIdCardNo(s);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: ID_CARD_PROBLEM_WORDS[parsed.problem] });
  });

export const EmergencyContactSchema = z.strictObject({
  name: NameSchema,
  phone: PhoneSchema,
  relation: z.string().trim().max(20).optional(),
});

export const CreateElderBodySchema = z
  .strictObject({
    name: NameSchema,
    idCardNo: IdCardNoSchema,
    phone: PhoneSchema.optional(),
    birthDate: DateSchema,
    gender: z.enum(['male', 'female']).optional(),
    address: z.string().trim().min(1, '请填写住址').max(200),
    location: LocationSchema.optional(),
    communityId: IdSchema,
    groups: z
      .array(GroupSchema)
      .max(6)
      .refine((g) => new Set(g).size === g.length, '类别不能重复'),
    careLevel: CareLevelSchema.optional(),
    diet: z.array(z.string().trim().min(1).max(20)).max(20).optional(),
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
  q: z.string().trim().max(40).optional(),
  communityId: IdSchema.optional(),
});

export const ElderAccountBodySchema = z.strictObject({ phone: PhoneSchema, password: PasswordSchema });
export const FamilyLinkBodySchema = z.strictObject({
  code: z
    .string()
    .trim()
    .regex(/^[A-Z0-9]{8}$/, '邀请码为8位字母数字'),
});
export const IdParamsSchema = z.strictObject({ id: IdSchema });
