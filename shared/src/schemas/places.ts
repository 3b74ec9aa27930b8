import { z } from 'zod';
import {
  dependentRequired,
  distinctItems,
  IdSchema,
  LocationSchema,
  MoneySchema,
  NameSchema,
  text,
  TimeOfDaySchema,
} from './common';

export const SlotSchema = z.enum(['breakfast', 'lunch', 'dinner']);
export const FulfilmentSchema = z.enum(['dine_in', 'take_away', 'delivery']);

export const CreateCommunityBodySchema = z.strictObject({
  name: NameSchema,
  district: text(40),
  location: LocationSchema,
});

export const SlotConfigSchema = z.strictObject({
  slot: SlotSchema,
  cutoff: TimeOfDaySchema,
  cutoffDayBefore: z.boolean().optional(),
});

const CanteenSlotsSchema = z
  .array(SlotConfigSchema)
  .min(1, '至少一个餐次')
  .max(3)
  .refine((s) => new Set(s.map((x) => x.slot)).size === s.length, '餐次不能重复');
const CanteenFulfilmentSchema = z
  .array(FulfilmentSchema)
  .min(1, '至少一种取餐方式')
  .refine(distinctItems, '取餐方式不能重复')
  .meta({ uniqueItems: true });

export const CreateCanteenBodySchema = z.strictObject({
  name: NameSchema,
  communityId: IdSchema,
  address: text(200),
  location: LocationSchema,
  slots: CanteenSlotsSchema,
  fulfilment: CanteenFulfilmentSchema,
  deliveryFee: MoneySchema,
});

/**
 * PATCH /api/canteens/:id (admin): settings that change over time. New cut-offs, fees and ways
 * of collecting apply to orders placed after the change; `closed: true` (暂停营业) refuses new
 * orders (409 CANTEEN_CLOSED) until it is opened again. `reason` goes to the audit log.
 */
export const UpdateCanteenBodySchema = z
  .strictObject({
    name: NameSchema.optional(),
    address: text(200).optional(),
    location: LocationSchema.optional(),
    slots: CanteenSlotsSchema.optional(),
    fulfilment: CanteenFulfilmentSchema.optional(),
    deliveryFee: MoneySchema.optional(),
    closed: z.boolean().optional(),
    reason: text(200).optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'reason'), '请至少修改一项');

/** A number in a query string; an empty value counts as absent (z.coerce would read '' as 0). */
const queryNumber = (bounds: { minimum?: number; exclusiveMinimum?: number; maximum: number }) => {
  let n = z.number().max(bounds.maximum);
  if (bounds.minimum !== undefined) n = n.min(bounds.minimum);
  if (bounds.exclusiveMinimum !== undefined) n = n.gt(bounds.exclusiveMinimum);
  return z
    .preprocess((v) => (v === '' ? undefined : v), z.coerce.number().pipe(n).optional())
    .meta({ type: 'number', ...bounds });
};

export const NearbyCanteensQuerySchema = dependentRequired(
  z.object({
    lng: queryNumber({ minimum: -180, maximum: 180 }),
    lat: queryNumber({ minimum: -90, maximum: 90 }),
    radius: queryNumber({ exclusiveMinimum: 0, maximum: 100_000 }),
    communityId: IdSchema.optional(),
  }),
  { lng: ['lat'], lat: ['lng'], radius: ['lng', 'lat'] },
);
