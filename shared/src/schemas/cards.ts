import { z } from 'zod';

/** A top-up: staff take cash at the office; family pay by WeChat Pay (亲情付). */
export const TopupBodySchema = z.strictObject({
  amount: z.int('金额以分为单位的整数').min(100, '每次至少充值 1 元').max(2_000_00, '每次最多充值 2000 元'),
  method: z.enum(['cash', 'wechat']),
});
export type TopupBody = z.infer<typeof TopupBodySchema>;

/**
 * A cash top-up to undo: only those can be, and their ids are `cash:<userId>:<Idempotency-Key>`.
 * The pattern says so exactly, so an id of any other shape (or an operator such as `{"$ne":null}`)
 * is refused by the schema before the elder is even looked up.
 */
export const CardEntryParamsSchema = z.strictObject({
  id: z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确'),
  entryId: z
    .string()
    .regex(/^cash:[0-9a-f]{24}:[\x21-\x7e]{1,128}$/, '只有现金充值可以撤销：流水编号应为 cash:…'),
});

export const CardQuerySchema = z.object({
  /** Only this month's entries (the balance is the whole card's). */
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM')
    .optional(),
});

export const CARD_ENTRY_KINDS = ['topup', 'payment', 'refund', 'adjustment', 'payout'] as const;
export type CardEntryKind = (typeof CARD_ENTRY_KINDS)[number];
