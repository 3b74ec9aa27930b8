import { z } from 'zod';
import { SERVICE_CATEGORIES, SERVICE_STATUSES } from '../services';
import { DateSchema, IdSchema, LocationSchema, MoneySchema, NameSchema, text } from './common';

export const ServiceCategorySchema = z.enum(SERVICE_CATEGORIES);
const Notes = text(500, { min: 0 });

export const CreateServiceItemBodySchema = z.strictObject({
  category: ServiceCategorySchema,
  name: NameSchema,
  price: MoneySchema,
  unit: z.enum(['visit', 'hour']),
  durationMin: z
    .int()
    .min(10)
    .max(8 * 60),
  description: text(200, { min: 0 }).optional(),
});

/** PATCH /api/service-items/:id (admin): new visits use the new price; `retired: true` (停用) stops bookings. */
export const UpdateServiceItemBodySchema = z
  .strictObject({
    price: MoneySchema.optional(),
    retired: z.boolean().optional(),
    reason: text(200).optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'reason'), '请至少修改一项');
/** `includeRetired=true` (admin's catalogue page): also the items no longer offered. */
export const ServiceItemListQuerySchema = z.object({ includeRetired: z.enum(['true', 'false']).optional() });

export const ServiceQuoteBodySchema = z.strictObject({
  elderId: IdSchema,
  itemId: IdSchema,
  scheduledAt: z.iso.datetime({ offset: true, error: '预约时间应为 ISO 8601 时间' }),
  /** hourly items: hours booked (default: the item's duration) */
  hours: z.int().min(1).max(8).optional(),
});

export const CreateServiceOrderBodySchema = ServiceQuoteBodySchema.extend({
  address: text(200).optional(),
  notes: Notes.optional(),
});

export const ServiceOrderQuerySchema = z.object({
  elderId: IdSchema.optional(),
  status: z.enum(SERVICE_STATUSES).optional(),
  date: DateSchema.optional(),
});

export const DispatchBodySchema = z.strictObject({ providerUserId: IdSchema });
export const CheckInBodySchema = z.strictObject({ location: LocationSchema.optional() });
export const NotesBodySchema = z.strictObject({ notes: Notes.optional() });
export const RatingBodySchema = z.strictObject({
  score: z.int('评分应为 1 到 5 的整数').min(1, '评分至少 1 分').max(5, '评分最多 5 分'),
  comment: Notes.optional(),
});
/** Why a visit is on the follow-up list: rated 3 or less, or chosen at random. */
export const FOLLOW_UP_REASONS = ['low_rating', 'sampled'] as const;
export type FollowUpReason = (typeof FOLLOW_UP_REASONS)[number];
export const DEFAULT_FOLLOW_UP_SHARE = 0.1;
export const FollowUpsQuerySchema = z.object({
  status: z.enum(['open', 'done']).default('open'),
  communityId: IdSchema.optional(),
});
export const FollowUpSettingsBodySchema = z.strictObject({
  /** the share of completed visits chosen at random for a follow-up call, 0–1 */
  sampleShare: z.number().min(0, '比例不能小于 0').max(1, '比例不能大于 100%'),
});
export const ProviderReportQuerySchema = z
  .object({ from: DateSchema, to: DateSchema, communityId: IdSchema.optional() })
  .refine((q) => q.from <= q.to, { path: ['to'], message: '结束日期不能早于开始日期' });
export const FollowUpBodySchema = z.strictObject({ satisfied: z.boolean(), notes: Notes.optional() });
export const SuggestionsQuerySchema = z.object({
  date: DateSchema,
  /** the visit's item (its category decides who fits) */
  itemId: IdSchema.optional(),
  category: ServiceCategorySchema.optional(),
  /** admin: the elder's community (a worker's own is used otherwise) */
  communityId: IdSchema.optional(),
});
/** A provider gives a dispatched visit back; the office sees why. */
export const DeclineBodySchema = z.strictObject({ reason: text(200, { empty: '请说明退回原因' }) });
/** A worker's decision on an exceptional visit. */
export const ReviewBodySchema = z.strictObject({ approve: z.boolean(), notes: Notes.optional() });
export const ReviewsQuerySchema = z.object({ communityId: IdSchema.optional() });

export const RaiseSosBodySchema = z.strictObject({ elderId: IdSchema, location: LocationSchema.optional() });
/**
 * Who raised an alarm: the elder (SOS key), a worker's care call (unwell, or no answer twice in
 * a row), or a meal courier (not home, unwell). Every source goes through the same flow.
 */
export const ALARM_SOURCES = ['elder', 'care_call', 'delivery'] as const;
export type AlarmSource = (typeof ALARM_SOURCES)[number];
export const SosQuerySchema = z.object({
  status: z.enum(['open', 'acknowledged', 'resolved', 'cancelled']).optional(),
  elderId: IdSchema.optional(),
  source: z.enum(ALARM_SOURCES).optional(),
});

/** How an acknowledged alarm ended (the worker chooses one when resolving; figures count them). */
export const SOS_OUTCOMES = ['false_alarm', 'helped_at_home', 'hospital', 'other'] as const;
export type SosOutcome = (typeof SOS_OUTCOMES)[number];
/** Optional in the API (older callers send only notes); the worker desk always sends one. */
export const ResolveSosBodySchema = z.strictObject({
  notes: Notes.optional(),
  outcome: z.enum(SOS_OUTCOMES).optional(),
});
/** An alarm raised by mistake, cancelled before anyone acknowledged it. */
export const CancelSosBodySchema = z.strictObject({ reason: text(200, { min: 0 }).optional() });

export const NotificationsQuerySchema = z.object({ unread: z.enum(['0', '1']).optional() });

export const SummaryQuerySchema = z
  .object({ from: DateSchema, to: DateSchema, communityId: IdSchema.optional() })
  .refine((q) => q.from <= q.to, { path: ['to'], message: '结束日期不能早于开始日期' });

// The dashboard's series and side-by-side figures (same range rules as the summary).
export const TrendsQuerySchema = z
  .object({ from: DateSchema, to: DateSchema, by: z.enum(['day', 'week']).default('day') })
  .refine((q) => q.from <= q.to, { path: ['to'], message: '结束日期不能早于开始日期' });
export const ReportRangeQuerySchema = z
  .object({ from: DateSchema, to: DateSchema })
  .refine((q) => q.from <= q.to, { path: ['to'], message: '结束日期不能早于开始日期' });
