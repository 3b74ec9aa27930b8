/**
 * The query cache's keys, one list of names: `qk('meal-orders', elderId)` is
 * `['meal-orders', elderId]`. A mistyped name is a type error, and invalidating a name alone
 * (`qk('meal-orders')`) reaches every query under it. Types only, beside one tiny function.
 */
export type QueryName =
  | 'accounts'
  | 'admin-canteens'
  | 'admin-service-items'
  | 'all-dishes'
  | 'assessments'
  | 'audit'
  | 'canteen-orders'
  | 'canteens'
  | 'care-calls'
  | 'care-plans'
  | 'care-summary'
  | 'communities'
  | 'deliveries'
  | 'desk-follow-ups'
  | 'desk-reviews'
  | 'desk-sos'
  | 'desk-visits'
  | 'dishes'
  | 'elder'
  | 'elder-packages'
  | 'elders'
  | 'family-elders'
  | 'follow-up-settings'
  | 'forecast'
  | 'funders'
  | 'me'
  | 'meal-card'
  | 'meal-order'
  | 'meal-orders'
  | 'menu'
  | 'notices'
  | 'provider-quality'
  | 'provider-visits'
  | 'quote'
  | 'retirement-preview'
  | 'rule-versions'
  | 'rules'
  | 'service-items'
  | 'service-packages'
  | 'service-quote'
  | 'settlement'
  | 'sos-mine'
  | 'standing-orders'
  | 'suggestions'
  | 'summary'
  | 'trends'
  | 'visits';

export const qk = <Rest extends unknown[]>(name: QueryName, ...rest: Rest): [QueryName, ...Rest] => [
  name,
  ...rest,
];
