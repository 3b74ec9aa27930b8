import { z } from 'zod';
import { isValidCalendarDate } from '../idcard';
import { ROLE_LABELS } from '../labels';

export const ROLES = ['admin', 'worker', 'canteen_staff', 'provider', 'family', 'elder'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const ROLE_NAMES: Record<Role, string> = ROLE_LABELS;

/** Object ids are 24 hex characters; we accept them as strings only. */
export const IdSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');
export const PhoneSchema = z.string().regex(/^1[3-9]\d{9}$/, '请输入11位手机号');
// 6 is the floor: many elders use a 6-digit number, as for a bank card.
export const PasswordSchema = z.string().min(6, '密码至少6位').max(128, '密码太长');
export const NameSchema = z.string().trim().min(1, '请填写姓名').max(40, '姓名太长');
export const DateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine(isValidCalendarDate, '日期不存在');
export const TimeOfDaySchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, '时间格式应为 HH:mm');
export const MoneySchema = z.int('金额以分为单位的整数').min(0, '金额不能为负').max(100_000_00, '金额过大');
export const LocationSchema = z.strictObject({
  lng: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
});

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
