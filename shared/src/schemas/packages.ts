import { z } from 'zod';
import { IdSchema, MoneySchema, text } from './common';

/** A China month, `YYYY-MM`. */
export const MonthSchema = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM');

/** POST /api/service-packages (admin): a monthly package of visits of one service item. */
export const CreateServicePackageBodySchema = z.strictObject({
  itemId: IdSchema,
  name: text(40, { empty: '请填写套餐名称' }),
  visitsPerMonth: z.int('每月次数应为整数').min(1, '每月至少 1 次').max(31, '每月最多 31 次'),
  price: MoneySchema,
});
export type CreateServicePackageBody = z.infer<typeof CreateServicePackageBodySchema>;

/** PATCH /api/service-packages/:id (admin): retire (停售) or offer again. */
export const UpdateServicePackageBodySchema = z.strictObject({
  active: z.boolean(),
  reason: text(200).optional(),
});

/** POST /api/elders/:id/packages/collect (worker, admin): the counter took the money for a package. */
export const CollectPackageBodySchema = z.strictObject({ packageId: IdSchema, month: MonthSchema });

/** POST /api/elders/:id/packages: buy a package for this month or next. */
export const BuyPackageBodySchema = z.strictObject({
  packageId: IdSchema,
  month: MonthSchema,
  payment: z.enum(['card', 'counter']),
});
export type BuyPackageBody = z.infer<typeof BuyPackageBodySchema>;
