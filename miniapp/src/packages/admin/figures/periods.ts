/** The dashboard's periods, as China-time date ranges ending today (or the calendar months). */
import { addDays } from '../../../format';

export type PeriodKey = 'd7' | 'd30' | 'month' | 'lastMonth';
export const PERIODS: { key: PeriodKey; label: string }[] = [
  { key: 'd7', label: '近7天' },
  { key: 'd30', label: '近30天' },
  { key: 'month', label: '本月' },
  { key: 'lastMonth', label: '上月' },
];

const lastDayOf = (month: string) => addDays(`${addDays(`${month}-28`, 7).slice(0, 7)}-01`, -1);

/**
 * 本月 / 上月 are whole calendar months, the settlement's months: meals already booked for
 * later this month count too (by their meal date), so the two pages show the same orders.
 */
export function rangeOf(key: PeriodKey, today: string): { from: string; to: string } {
  if (key === 'd7') return { from: addDays(today, -6), to: today };
  if (key === 'd30') return { from: addDays(today, -29), to: today };
  const month = key === 'month' ? today.slice(0, 7) : addDays(`${today.slice(0, 7)}-01`, -1).slice(0, 7);
  return { from: `${month}-01`, to: lastDayOf(month) };
}
