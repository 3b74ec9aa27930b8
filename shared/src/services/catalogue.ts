/** Home-service categories (助餐 助浴 助洁 助行 护理 康复 医疗 维修) with stable codes. */
export const SERVICE_CATEGORIES = [
  'meal',
  'bath',
  'clean',
  'escort',
  'nursing',
  'rehab',
  'medical',
  'repair',
] as const;
export type ServiceCategory = (typeof SERVICE_CATEGORIES)[number];
export const SERVICE_CATEGORY_NAMES: Record<ServiceCategory, string> = {
  meal: '助餐',
  bath: '助浴',
  clean: '助洁',
  escort: '助行',
  nursing: '护理',
  rehab: '康复',
  medical: '医疗',
  repair: '维修',
};
export type ServiceUnit = 'visit' | 'hour';

/** How many units a visit is charged: 1 per visit, or the booked hours (default: the item's duration, rounded up). */
export function chargedUnits(unit: ServiceUnit, durationMin: number, hours?: number): number {
  if (unit === 'visit') return 1;
  return hours ?? Math.max(1, Math.ceil(durationMin / 60));
}

/** A check-in farther than this from the elder's home is flagged (and reviewed, see state.ts). */
export const CHECK_IN_MAX_DISTANCE_M = 300;
/** An SOS not acknowledged within this long shows as overdue. */
export const SOS_OVERDUE_MS = 5 * 60_000;

/** Median of a list (mean of the two middle values for an even count); null when empty. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
