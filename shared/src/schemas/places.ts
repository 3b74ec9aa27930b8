import { z } from 'zod';
import { IdSchema, LocationSchema, MoneySchema, NameSchema, TimeOfDaySchema } from './common';

export const SlotSchema = z.enum(['breakfast', 'lunch', 'dinner']);
export const FulfilmentSchema = z.enum(['dine_in', 'take_away', 'delivery']);

export const CreateCommunityBodySchema = z.strictObject({
  name: NameSchema,
  district: z.string().trim().min(1).max(40),
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
  address: z.string().trim().min(1).max(200),
  location: LocationSchema,
  slots: z
    .array(SlotConfigSchema)
    .min(1, '至少一个餐次')
    .max(3)
    .refine((s) => new Set(s.map((x) => x.slot)).size === s.length, '餐次不能重复'),
  fulfilment: z
    .array(FulfilmentSchema)
    .min(1, '至少一种取餐方式')
    .refine((f) => new Set(f).size === f.length, '取餐方式不能重复'),
  deliveryFee: MoneySchema,
});

/** A number in a query string; an empty value counts as absent (z.coerce would read '' as 0). */
const queryNumber = (n: z.ZodNumber) =>
  z.preprocess((v) => (v === '' ? undefined : v), z.coerce.number().pipe(n).optional());

export const NearbyCanteensQuerySchema = z.object({
  lng: queryNumber(z.number().min(-180).max(180)),
  lat: queryNumber(z.number().min(-90).max(90)),
  radius: queryNumber(z.number().positive().max(100_000)),
  communityId: IdSchema.optional(),
});
