/**
 * What the BFF's logger writes (bff/src/log.ts): whatever is logged, however deeply a phone or
 * an ID number sits in it, the line written holds it only masked. The case that slipped through
 * before: a database duplicate-key error logged as it is (`log.error({ err })` in the recovery
 * sweep and the scheduler) quotes the duplicate value in `errmsg`, `errorResponse` and `keyValue`.
 */
import { Writable } from 'node:stream';
import { makeIdCardNo } from '@yiyangtong/shared';
import { MongoServerError } from 'mongodb';
import { createLogger } from '../../bff/src/log';

const phone = '13712345678';
const idCardNo = makeIdCardNo('530111', '1946-07-21', 123);

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { lines, stream };
}

test('a duplicate-key error logged as it is shows the phone masked, in every field that quotes it', () => {
  const { lines, stream } = capture();
  const err = new MongoServerError({
    errmsg: `E11000 duplicate key error collection: yyt.credentials index: _id_ dup key: { _id: "phone:${phone}" }`,
    code: 11000,
    keyValue: { _id: `phone:${phone}` },
  });
  createLogger('info', stream).error({ err }, 'recovery sweep failed');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain('E11000');
  expect(lines[0]).toContain('137****5678');
  expect(lines[0]).not.toContain(phone);
});

test('a phone or ID number nested in any logged object, or in the message, is masked', () => {
  const { lines, stream } = capture();
  createLogger('info', stream).warn(
    { detail: { rows: [{ note: `call ${phone}` }], path: `/api/x/${idCardNo}` } },
    `elder ${idCardNo} called from ${phone}`,
  );
  const line = lines.join('');
  expect(line).toContain('137****5678');
  expect(line).toContain(`5301**********${idCardNo.slice(-4)}`);
  expect(line).not.toContain(phone);
  expect(line).not.toContain(idCardNo);
});
