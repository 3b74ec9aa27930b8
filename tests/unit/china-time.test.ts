import dayjs from 'dayjs';
import timezone from 'dayjs/plugin/timezone';
import utc from 'dayjs/plugin/utc';
import { addDays, chinaDate, chinaInstant, chinaMonth } from '@yiyangtong/shared';

dayjs.extend(utc);
dayjs.extend(timezone);

describe('China time, whatever the server TZ', () => {
  test('a cut-off of 10:00 on 2026-12-01 is 02:00Z that day', () => {
    expect(chinaInstant('2026-12-01', '10:00').toISOString()).toBe('2026-12-01T02:00:00.000Z');
  });

  test('a cut-off of 20:00 the day before is 12:00Z on the previous day, across a month end', () => {
    expect(chinaInstant('2026-12-01', '20:00', 1).toISOString()).toBe('2026-11-30T12:00:00.000Z');
  });

  test('just after 16:00Z it is already the next day in China', () => {
    expect(chinaDate(new Date('2026-11-30T15:59:59Z'))).toBe('2026-11-30');
    expect(chinaDate(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
    expect(chinaMonth(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01');
  });

  test('adding days crosses leap days and year ends', () => {
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });

  test('the fixed +08:00 offset agrees with the tz database for Asia/Shanghai on every day of 2026–2027', () => {
    for (let day = 0; day < 730; day++) {
      const date = addDays('2026-01-01', day);
      for (const time of ['00:00', '10:00', '23:59']) {
        const fromTz = dayjs.tz(`${date} ${time}`, 'YYYY-MM-DD HH:mm', 'Asia/Shanghai').toDate().getTime();
        expect(chinaInstant(date, time).getTime()).toBe(fromTz);
      }
    }
  });
});
