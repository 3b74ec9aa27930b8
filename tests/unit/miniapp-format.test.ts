// Pure formatting helpers of the mini-program: fen → 元 and ISO instants → China time,
// independent of the machine's time zone (the suite runs with TZ=UTC and must pass
// under any other TZ too).
import {
  addDays,
  chinaDate,
  chinaTime,
  cutoffText,
  dateLabel,
  daysBetween,
  fenToYuan,
  formatDiscount,
  formatYuan,
  fulfilmentLabel,
  funderLabel,
  slotLabel,
} from '../../miniapp/src/format';

describe('fen → 元', () => {
  test('two decimals, integer arithmetic', () => {
    expect(fenToYuan(700)).toBe('7.00');
    expect(fenToYuan(0)).toBe('0.00');
    expect(fenToYuan(1)).toBe('0.01');
    expect(fenToYuan(10)).toBe('0.10');
    expect(fenToYuan(1234)).toBe('12.34');
    expect(fenToYuan(123456789)).toBe('1234567.89');
    // 0.1 + 0.2 style float traps do not apply: these are whole fen.
    expect(fenToYuan(29)).toBe('0.29');
    expect(fenToYuan(1005)).toBe('10.05');
  });

  test('negative amounts and non-numbers', () => {
    expect(fenToYuan(-350)).toBe('-3.50');
    expect(formatYuan(-300)).toBe('-¥3.00');
    expect(fenToYuan(Number.NaN)).toBe('—');
    expect(formatYuan(Number.POSITIVE_INFINITY)).toBe('—');
  });

  test('with the yuan sign, and discounts with a minus sign', () => {
    expect(formatYuan(700)).toBe('¥7.00');
    expect(formatYuan(1450)).toBe('¥14.50');
    expect(formatDiscount(300)).toBe('−¥3.00');
    expect(formatDiscount(-300)).toBe('−¥3.00');
  });
});

describe('ISO instant → China time (UTC+8, no DST), whatever the device TZ', () => {
  test('clock time', () => {
    expect(chinaTime('2026-12-01T02:00:00.000Z')).toBe('10:00');
    expect(chinaTime('2026-12-01T02:00:00Z')).toBe('10:00');
    expect(chinaTime('2026-11-30T12:00:00.000Z')).toBe('20:00');
    expect(chinaTime('2026-11-30T16:00:00.000Z')).toBe('00:00');
    expect(chinaTime('2026-11-30T15:59:00.000Z')).toBe('23:59');
    expect(chinaTime('2026-12-01T10:00:00+08:00')).toBe('10:00');
    expect(chinaTime(Date.UTC(2026, 6, 1, 7, 30))).toBe('15:30'); // summer: still +8
    expect(chinaTime(new Date('2026-03-29T01:05:00Z'))).toBe('09:05'); // a European DST day
    expect(chinaTime('not a date')).toBe('');
  });

  test('calendar date crosses midnight at 16:00Z', () => {
    expect(chinaDate('2026-11-30T15:59:59.999Z')).toBe('2026-11-30');
    expect(chinaDate('2026-11-30T16:00:00.000Z')).toBe('2026-12-01');
    expect(chinaDate('2026-12-31T16:00:00.000Z')).toBe('2027-01-01');
    expect(chinaDate(Date.UTC(2028, 1, 28, 16))).toBe('2028-02-29');
    expect(chinaDate('garbage')).toBe('');
  });

  test('agrees with the tz database for Asia/Shanghai across a year', () => {
    const fmt = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    for (let h = 0; h < 366 * 24; h += 7) {
      const at = Date.UTC(2026, 0, 1) + h * 3600_000 + 17 * 60_000;
      const parts = Object.fromEntries(fmt.formatToParts(at).map((p) => [p.type, p.value]));
      expect(chinaDate(at)).toBe(`${parts.year}-${parts.month}-${parts.day}`);
      expect(chinaTime(at)).toBe(`${parts.hour}:${parts.minute}`);
    }
  });
});

describe('calendar dates', () => {
  test('addDays across month, year and leap day', () => {
    expect(addDays('2026-11-30', 1)).toBe('2026-12-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('bad', 1)).toBe('');
  });

  test('daysBetween', () => {
    expect(daysBetween('2026-12-01', '2026-12-01')).toBe(0);
    expect(daysBetween('2026-12-01', '2026-11-30')).toBe(-1);
    expect(daysBetween('2026-12-31', '2027-01-02')).toBe(2);
    expect(daysBetween('x', '2027-01-02')).toBeNaN();
  });

  test('dateLabel with weekday', () => {
    expect(dateLabel('2026-12-02')).toBe('12月2日 周三');
    expect(dateLabel('2027-01-03')).toBe('1月3日 周日');
    expect(dateLabel('nope')).toBe('nope');
  });
});

describe('cut-off text', () => {
  test('same day', () => {
    expect(cutoffText('lunch', '2026-12-01', '2026-12-01T02:00:00.000Z')).toBe('午餐 当天 10:00 截止');
    expect(cutoffText('dinner', '2026-12-01', '2026-12-01T07:30:00.000Z')).toBe('晚餐 当天 15:30 截止');
  });

  test('the day before, including a cut-off that is the previous UTC day', () => {
    expect(cutoffText('breakfast', '2026-12-01', '2026-11-30T12:00:00.000Z')).toBe('早餐 前一天 20:00 截止');
    // 07:00 China time on 2026-11-30 is 23:00Z on 2026-11-29.
    expect(cutoffText('breakfast', '2026-12-01', '2026-11-29T23:00:00.000Z')).toBe('早餐 前一天 07:00 截止');
  });

  test('unparseable instant', () => {
    expect(cutoffText('lunch', '2026-12-01', '')).toBe('午餐 截止时间未知');
  });
});

describe('labels', () => {
  test('slots, fulfilment, funders in Chinese', () => {
    expect(['breakfast', 'lunch', 'dinner'].map(slotLabel)).toEqual(['早餐', '午餐', '晚餐']);
    expect(['dine_in', 'take_away', 'delivery'].map(fulfilmentLabel)).toEqual(['堂食', '自取', '送餐']);
    expect(funderLabel('government')).toBe('政府补贴');
    expect(funderLabel('canteen')).toBe('食堂优惠');
    expect(slotLabel('brunch')).toBe('brunch');
  });
});
