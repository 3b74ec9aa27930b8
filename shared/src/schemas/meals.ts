import { z } from 'zod';
import { DateSchema, distinctItems, IdSchema, MoneySchema, NameSchema, text } from './common';
import { CareLevelSchema, GroupSchema } from './elders';
import { FulfilmentSchema, SlotSchema } from './places';
import { SERVICE_CATEGORIES } from '../services/catalogue';

export const CreateDishBodySchema = z.strictObject({
  name: NameSchema,
  price: MoneySchema,
  tags: z.array(text(20)).max(10).optional(),
  allergens: z.array(text(20)).max(10).optional(),
});

const distinct =
  <T>(key: (x: T) => string) =>
  (xs: T[]) =>
    new Set(xs.map(key)).size === xs.length;

export const PutMenuBodySchema = z.strictObject({
  items: z
    .array(z.strictObject({ dishId: IdSchema, quota: z.int().min(0).max(10_000) }))
    .max(60)
    .refine(
      distinct((i: { dishId: string }) => i.dishId),
      '菜品不能重复',
    ),
});

export const MenuParamsSchema = z.strictObject({ id: IdSchema, date: DateSchema, slot: SlotSchema });
export const MenuDayParamsSchema = z.strictObject({ id: IdSchema, date: DateSchema });

export const CreateDiscountRuleBodySchema = z
  .strictObject({
    name: NameSchema,
    canteenId: IdSchema.optional(),
    district: text(40).optional(),
    minAge: z.int().min(0).max(150).optional(),
    maxAge: z.int().min(0).max(150).optional(),
    groups: z
      .array(GroupSchema)
      .max(6)
      .refine(distinctItems, '类别不能重复')
      .meta({ uniqueItems: true })
      .optional(),
    careLevels: z.array(CareLevelSchema).max(4).optional(),
    slots: z.array(SlotSchema).max(3).optional(),
    benefit: z.strictObject({
      type: z.enum(['amount_off', 'percent_off', 'fixed_price']),
      value: MoneySchema,
    }),
    fundedBy: z.enum(['government', 'canteen']),
    perElderPerSlotPerDay: z.int().min(1).max(3).optional(),
    priority: z.int().min(-1000).max(1000).optional(),
    stackable: z.boolean().optional(),
    validFrom: DateSchema,
    validTo: DateSchema.optional(),
    appliesTo: z.enum(['meal', 'service']).optional(),
    serviceCategories: z.array(z.enum(SERVICE_CATEGORIES)).max(8).optional(),
  })
  .superRefine((r, ctx) => {
    if (r.benefit.type === 'percent_off' && (r.benefit.value < 1 || r.benefit.value > 100)) {
      ctx.addIssue({ code: 'custom', path: ['benefit', 'value'], message: '折扣百分比应为 1 到 100 的整数' });
    }
    if (r.minAge !== undefined && r.maxAge !== undefined && r.minAge > r.maxAge) {
      ctx.addIssue({ code: 'custom', path: ['maxAge'], message: '最高年龄不能小于最低年龄' });
    }
    if (r.validTo && r.validTo < r.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: '结束日期不能早于开始日期' });
    }
  });

export const OrderItemsSchema = z
  .array(z.strictObject({ dishId: IdSchema, qty: z.int().min(1).max(10) }))
  .min(1, '请至少选择一个菜品')
  .max(20)
  .refine(
    distinct((i: { dishId: string }) => i.dishId),
    '同一菜品请合并数量',
  );

export const QuoteBodySchema = z.strictObject({
  elderId: IdSchema,
  canteenId: IdSchema,
  date: DateSchema,
  slot: SlotSchema,
  items: OrderItemsSchema,
  fulfilment: FulfilmentSchema,
});

/** How a meal is paid: from the elder's meal card (助餐卡) at booking, or at the counter (到店付). */
export const PaymentMethodSchema = z.enum(['card', 'counter']);
export type PaymentMethod = z.infer<typeof PaymentMethodSchema>;

export const CreateMealOrderBodySchema = QuoteBodySchema.extend({
  address: text(200).optional(),
  payment: PaymentMethodSchema.optional(),
  /** A second meal for the same elder, date and slot on purpose (otherwise 409 ALREADY_BOOKED). */
  additional: z.boolean().optional(),
});

export const BatchMealOrderBodySchema = z.strictObject({
  elderIds: z
    .array(IdSchema)
    .min(1, '请至少选择一位长者')
    .max(50)
    .refine(distinctItems, '长者不能重复')
    .meta({ uniqueItems: true }),
  canteenId: IdSchema,
  date: DateSchema,
  slot: SlotSchema,
  items: OrderItemsSchema,
  fulfilment: FulfilmentSchema,
  payment: PaymentMethodSchema.optional(),
});

export const IdempotencyHeadersSchema = z.looseObject({
  'idempotency-key': z
    .string({ error: '必填：请求头 Idempotency-Key' })
    .regex(/^[\x21-\x7e]{1,128}$/, '1 到 128 个可见 ASCII 字符'),
});
/** The same header where it is optional: given, a repeat returns the first result instead of doing it twice. */
export const OptionalIdempotencyHeadersSchema = z.looseObject({
  'idempotency-key': IdempotencyHeadersSchema.shape['idempotency-key'].optional(),
});

export const MealOrderQuerySchema = z.object({
  elderId: IdSchema.optional(),
  date: DateSchema.optional(),
});
export const CanteenOrdersQuerySchema = z.object({ date: DateSchema, slot: SlotSchema.optional() });
export const PickupBodySchema = z.strictObject({
  code: z.string().regex(/^[0-9]{6}$/, '取餐码为6位数字'),
  date: DateSchema.optional(),
});
export const SettlementQuerySchema = z.object({
  canteenId: IdSchema,
  month: z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM'),
});
