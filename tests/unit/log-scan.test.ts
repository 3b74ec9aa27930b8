/**
 * The log scan's matcher (tests/log-scan/scan.ts), which runs after the whole suite: it finds
 * the values the tests used wherever they stand alone, anything shaped like an ID number or a
 * phone, reports them masked, and is not fooled by timestamps, object ids or masked values.
 */
import { makeIdCardNo } from '@yiyangtong/shared';
import { personalDataIn } from '../harness/personal-data';
import { describeLeaks, findLeaks, PersonalValues } from '../log-scan/scan';

const id = makeIdCardNo('530111', '1946-07-21', 123);
const phone = '13712345678';
const values = new PersonalValues();
values.add(phone);
values.add(id);

const line = (o: Record<string, unknown>) => JSON.stringify({ level: 30, time: 1781234567890, ...o });

test('a phone or ID number the tests used is found in a log line and reported masked', () => {
  const text = [
    line({ msg: 'request', path: '/api/elders', who: phone }),
    line({ msg: 'oops', err: `duplicate key ${id}` }),
    line({ msg: 'oops', err: `prefix ${id.slice(0, 17)} only` }),
  ].join('\n');
  const leaks = findLeaks(text, values, 'bff-1.log');
  expect(leaks.map((l) => [l.kind, l.known, l.where])).toEqual([
    ['phone', true, 'bff-1.log:1 (request /api/elders)'],
    ['ID number', true, 'bff-1.log:2 (oops)'],
    ['ID number without its check digit', true, 'bff-1.log:3 (oops)'],
  ]);
  const report = describeLeaks(leaks).join('\n');
  expect(report).toContain('137****5678');
  expect(report).not.toContain(phone);
  expect(report).not.toContain(id.slice(0, 17));
});

test('a phone or valid ID number nobody recorded is still found when it stands alone', () => {
  const other = makeIdCardNo('110101', '1950-01-01', 11);
  const leaks = findLeaks(line({ msg: `call 18912345678 about ${other.toLowerCase()}` }), values, 'x.log');
  expect(leaks.map((l) => [l.kind, l.known, l.value])).toEqual([
    ['ID number', false, `1101**********${other.slice(-4)}`],
    ['phone', false, '189****5678'],
  ]);
});

test('timestamps, durations, object ids and masked values are not leaks', () => {
  const text = [
    line({
      msg: 'request',
      // an 11-digit run in an object id's hex is not a phone on its own
      path: '/api/elders/65f1a18912345678b1234567',
      ms: 13.712345,
      user: '137123456780000000000000', // the phone inside a longer run of digits
    }),
    line({ msg: 'request', time: 13712345678901, phone: '137****5678', idCardNo: '5301**********1234' }),
  ].join('\n');
  expect(findLeaks(text, values, 'x.log')).toEqual([]);
});

test('digits inside object ids are neither recorded as sent nor found as a used value (a CI run failed so)', () => {
  // Two ids of one process share their middle bytes: 18 decimal digits in one, 17 of them in the next.
  const sentPath = '/api/elders/6b14e570554992075656029e/invites';
  expect(personalDataIn(sentPath)).toEqual([]);
  const recorded = new PersonalValues();
  recorded.add('570554992075656029'); // as the old recorder took it from that path
  const text = line({ msg: 'request', path: '/api/elders/6b14e57055499207565602a4/invites' });
  expect(findLeaks(text, recorded, 'x.log')).toEqual([]);
  // The same value standing alone is still found.
  expect(findLeaks(line({ msg: 'oops', err: 'dup 57055499207565602' }), recorded, 'x.log')).toHaveLength(1);
});

test('one line per value in the report, with how often it was found', () => {
  const text = [line({ who: phone }), line({ who: phone }), line({ who: phone })].join('\n');
  expect(describeLeaks(findLeaks(text, values, 'x.log'))).toEqual([
    '137****5678 — phone the tests used — 3 times, first in x.log:1 ()',
  ]);
});
