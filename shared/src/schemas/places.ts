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

export const CreateCanteenBodySchema = z.strictObject({
  name: NameSchema,
  communityId: IdSchema,
  address: text(200),
  location: LocationSchema,
  slots: z
    .array(SlotConfigSchema)
    .min(1, '至少一个餐次')
    .max(3)
    .refine((s) => new Set(s.map((x) => x.slot)).size === s.length, '餐次不能重复'),
  fulfilment: z
    .array(FulfilmentSchema)
    .min(1, '至少一种取餐方式')
    .refine(distinctItems, '取餐方式不能重复')
    .meta({ uniqueItems: true }),
  deliveryFee: MoneySchema,
});

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
