import { z } from 'zod';
import { DateSchema, IdSchema } from './common';
import { FulfilmentSchema, SlotSchema } from './places';

export const StandingItemsSchema = z
  .array(
    z.strictObject({
      dishId: IdSchema,
      qty: z.int().min(1).max(10),
      // What to order when the dish is not on that day's menu (see shared/src/standing-orders.ts).
      fallback: z.enum(['set_meal', 'skip']).optional(),
    }),
  )
  .min(1, '请至少选择一个菜品')
  .max(5)
  .refine((xs) => new Set(xs.map((x) => x.dishId)).size === xs.length, '同一菜品请合并数量');

export const CreateStandingOrderBodySchema = z.strictObject({
  elderId: IdSchema,
  canteenId: IdSchema,
  slot: SlotSchema,
  weekdays: z
    .array(z.int().min(1, '星期应为 1（周一）到 7（周日）').max(7, '星期应为 1（周一）到 7（周日）'))
    .min(1, '请至少选择一天')
    .max(7)
    .refine((xs) => new Set(xs).size === xs.length, '星期不能重复')
    .meta({ uniqueItems: true }),
  items: StandingItemsSchema,
  fulfilment: FulfilmentSchema,
  payment: z.enum(['card', 'counter']).optional(),
});

export const StandingOrdersQuerySchema = z.object({ elderId: IdSchema.optional() });

export const PauseBodySchema = z
  .strictObject({ from: DateSchema, to: DateSchema })
  .refine((p) => p.from <= p.to, { path: ['to'], message: '结束日期不能早于开始日期' });

export const PauseParamsSchema = z.strictObject({
  id: IdSchema,
  pauseId: z.string().regex(/^[0-9a-f]{24}$/, '编号格式不正确'),
});

export const MaterialiseBodySchema = z.strictObject({ date: DateSchema });

export const ForecastQuerySchema = z.object({ date: DateSchema.optional() });
