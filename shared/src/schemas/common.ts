import { z } from 'zod';
import { ROLE_LABELS } from '../labels';

export const ROLES = ['admin', 'worker', 'canteen_staff', 'provider', 'family', 'elder'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const ROLE_NAMES: Record<Role, string> = ROLE_LABELS;

/** Object ids are 24 hex characters; we accept them as strings only. */
export const IdSchema = z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确');
export const PhoneSchema = z.string().regex(/^1[3-9][0-9]{9}$/, '请输入11位手机号');

/*
 * Text as the published JSON Schema counts it: lengths in characters (code points, so an
 * emoji is one, not two UTF-16 units), no control characters (PostgreSQL cannot store NUL),
 * and "required" text must have a character that JavaScript's trim() keeps. Limits apply to
 * what was sent; surrounding blanks are then dropped.
 */
const CONTROL = '\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f';
/** Exactly what String.prototype.trim() removes. */
const BLANKS = '\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff';
const ANY_TEXT = `^[^${CONTROL}]*$`;
const VISIBLE_TEXT = `^[^${CONTROL}]*[^${CONTROL}${BLANKS}][^${CONTROL}]*$`;
const anyText = new RegExp(ANY_TEXT);
const characters = (s: string) => [...s].length;
/** A UTF-16 surrogate without its pair is no character: PostgreSQL cannot store it. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = (s: string) => !loneSurrogate.test(s);

/** Free text: `min` characters at least (after trimming: 0 or 1), `max` at most, as sent. */
export function text(max: number, { min = 1, empty = '不能为空' }: { min?: 0 | 1; empty?: string } = {}) {
  return z
    .string()
    .refine((s) => wellFormed(s) && anyText.test(s), '不能包含控制字符')
    .refine((s) => characters(s) <= max, `最多 ${max} 个字`)
    .trim()
    .refine((s) => min === 0 || s.length > 0, empty)
    .meta(
      min === 0
        ? { maxLength: max, pattern: ANY_TEXT }
        : { minLength: 1, maxLength: max, pattern: VISIBLE_TEXT },
    );
}

/** A string taken as is (a password, a code), its length in characters. */
export function chars(min: number, max: number, words = `长度应为 ${min} 到 ${max} 个字符`) {
  return z
    .string()
    .refine((s) => wellFormed(s) && characters(s) >= min && characters(s) <= max, words)
    .meta({ minLength: min, maxLength: max });
}

// 6 is the floor: many elders use a 6-digit number, as for a bank card.
export const PasswordSchema = chars(6, 128, '密码应为 6 到 128 位');
export const NameSchema = text(40, { empty: '请填写姓名' });
/** A real calendar date, `YYYY-MM-DD` (published as `format: date` with the same pattern). */
export const DateSchema = z.iso.date('日期应为 YYYY-MM-DD 格式的真实日期');
export const TimeOfDaySchema = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, '时间格式应为 HH:mm');
export const MoneySchema = z.int('金额以分为单位的整数').min(0, '金额不能为负').max(100_000_00, '金额过大');
export const LocationSchema = z.strictObject({
  lng: z.number().min(-180).max(180),
  lat: z.number().min(-90).max(90),
});

/** Array items all different (JSON Schema `uniqueItems`). */
export const distinctItems = <T>(xs: T[]) => new Set(xs.map((x) => JSON.stringify(x))).size === xs.length;

/**
 * Fields that only make sense together, e.g. `{ lng: ['lat'], lat: ['lng'], radius: ['lng', 'lat'] }`:
 * checked here and published as JSON Schema `dependentRequired`.
 */
export function dependentRequired<T extends z.ZodObject>(schema: T, deps: Record<string, string[]>) {
  return schema
    .superRefine((value: Record<string, unknown>, ctx) => {
      for (const [field, needs] of Object.entries(deps)) {
        if (value[field] === undefined) continue;
        for (const need of needs) {
          if (value[need] === undefined)
            ctx.addIssue({ code: 'custom', path: [need], message: `提供 ${field} 时也需要 ${need}` });
        }
      }
    })
    .meta({ dependentRequired: deps });
}

export const ErrorBodySchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    fields: z.record(z.string(), z.string()).optional(),
  }),
});

export const listOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });
