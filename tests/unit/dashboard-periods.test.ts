/**
 * The dashboard's periods: 本月 / 上月 are whole calendar months (the settlement's), so meals
 * booked for later this month count; 近7天 / 近30天 end today. Dates are China dates.
 */
import { rangeOf } from '../../miniapp/src/packages/admin/figures/periods';

test('本月 and 上月 are whole calendar months, across a year end and February', () => {
  expect(rangeOf('month', '2026-12-04')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  expect(rangeOf('lastMonth', '2026-12-04')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
  expect(rangeOf('lastMonth', '2027-01-31')).toEqual({ from: '2026-12-01', to: '2026-12-31' });
  expect(rangeOf('month', '2028-02-10')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
  expect(rangeOf('lastMonth', '2027-03-01')).toEqual({ from: '2027-02-01', to: '2027-02-28' });
});

test('近7天 and 近30天 end today', () => {
  expect(rangeOf('d7', '2026-12-04')).toEqual({ from: '2026-11-28', to: '2026-12-04' });
  expect(rangeOf('d30', '2026-12-04')).toEqual({ from: '2026-11-05', to: '2026-12-04' });
});
