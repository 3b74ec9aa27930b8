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

/**
 * PATCH /api/canteens/:id/dishes/:dishId (that canteen's staff, admin): a new price applies to
 * menus saved after it (a published menu keeps the prices it shows, and orders theirs);
 * `retired: true` (停售) keeps the dish off new menus and out of the dish picker.
 */
export const UpdateDishBodySchema = z
  .strictObject({
    name: NameSchema.optional(),
    price: MoneySchema.optional(),
    retired: z.boolean().optional(),
    reason: text(200).optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'reason'), '请至少修改一项');
export const DishParamsSchema = z.strictObject({ id: IdSchema, dishId: IdSchema });
/** `includeRetired=true`: also the dishes no longer sold (the staff's dish list); default: only those on sale. */
export const DishListQuerySchema = z.object({ includeRetired: z.enum(['true', 'false']).optional() });

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

/** The fields of a discount rule (create: these; PATCH: any of them). */
const discountRuleFields = z.strictObject({
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
});

type RuleChecked = {
  benefit?: { type: string; value: number };
  minAge?: number | null;
  maxAge?: number | null;
  validFrom?: string;
  validTo?: string | null;
};

/** The checks of one field against another, on a rule as sent (create) or as it would become (PATCH). */
export function discountRuleIssues(r: RuleChecked): Record<string, string> {
  const issues: Record<string, string> = {};
  if (r.benefit && r.benefit.type === 'percent_off' && (r.benefit.value < 1 || r.benefit.value > 100))
    issues['benefit.value'] = '折扣百分比应为 1 到 100 的整数';
  if (typeof r.minAge === 'number' && typeof r.maxAge === 'number' && r.minAge > r.maxAge)
    issues.maxAge = '最高年龄不能小于最低年龄';
  if (r.validTo && r.validFrom && r.validTo < r.validFrom) issues.validTo = '结束日期不能早于开始日期';
  return issues;
}

const addRuleIssues = (r: RuleChecked, ctx: z.RefinementCtx) => {
  for (const [path, message] of Object.entries(discountRuleIssues(r)))
    ctx.addIssue({ code: 'custom', path: path.split('.'), message });
};

export const CreateDiscountRuleBodySchema = discountRuleFields.superRefine(addRuleIssues);

/**
 * PATCH /api/discount-rules/:id (admin): any of the create fields, e.g. `{validTo}` to end the
 * rule; the rule becomes its next version (orders already placed keep theirs). `reason` goes to
 * the audit log and the version history.
 */
export const UpdateDiscountRuleBodySchema = discountRuleFields
  .partial()
  .extend({
    // null clears a limit the rule had (e.g. `validTo: null` makes an ended rule open-ended again)
    minAge: discountRuleFields.shape.minAge.unwrap().nullable().optional(),
    maxAge: discountRuleFields.shape.maxAge.unwrap().nullable().optional(),
    groups: discountRuleFields.shape.groups.unwrap().nullable().optional(),
    perElderPerSlotPerDay: discountRuleFields.shape.perElderPerSlotPerDay.unwrap().nullable().optional(),
    validTo: DateSchema.nullable().optional(),
    reason: text(200).optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'reason'), '请至少修改一项')
  .superRefine(addRuleIssues);

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
/** A delivery's outcome at the door (POST /api/meal-orders/:id/delivery): not home or unwell raises an alarm. */
export const DELIVERY_OUTCOMES = ['delivered', 'not_home', 'unwell'] as const;
export type DeliveryOutcome = (typeof DELIVERY_OUTCOMES)[number];
export const DeliveryBodySchema = z.strictObject({
  outcome: z.enum(DELIVERY_OUTCOMES),
  notes: text(200).optional(),
});
export type DeliveryBody = z.infer<typeof DeliveryBodySchema>;
export const SettlementQuerySchema = z.object({
  canteenId: IdSchema,
  month: z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM'),
});
