import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { scrubPersonalData } from '@yiyangtong/shared';

/**
 * Every serialized line is scrubbed whole before it is written, so a value nested anywhere in a
 * logged object is masked too — e.g. a database error logged as it is by the recovery sweep or
 * the scheduler, whose `errmsg` ("E11000 … dup key: { phone: … }") and `keyValue` quote the
 * duplicate value. Scrubbing only messages and string arguments missed those.
 */
function scrubbed(write: (line: string) => unknown): pino.DestinationStream {
  return { write: (line: string) => void write(scrubPersonalData(line)) };
}

/**
 * `LOG_COPY_DIR` set: every line is also appended to `<dir>/bff-<pid>.log` (the test suite's
 * log scan reads them from every BFF it started). Appended synchronously: a BFF killed
 * mid-test loses nothing it logged.
 */
function destinations(destination: pino.DestinationStream): pino.DestinationStream {
  const out = scrubbed((line) => destination.write(line));
  const dir = process.env.LOG_COPY_DIR;
  if (!dir) return out;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bff-${process.pid}.log`);
  // pino hands each line's level to the multistream itself, so each of its streams scrubs.
  return pino.multistream([
    { level: 'trace', stream: out },
    { level: 'trace', stream: scrubbed((line) => fs.appendFileSync(file, line)) },
  ]);
}

/**
 * Structured JSON logs. Request bodies, query strings and headers are never logged; fields
 * named like personal data are redacted, and every line is scrubbed of anything shaped like an
 * ID number or a phone as a second fence.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'yiyangtong-bff' },
      redact: {
        paths: [
          'password',
          '*.password',
          'idCardNo',
          '*.idCardNo',
          'phone',
          '*.phone',
          'authorization',
          '*.authorization',
        ],
        censor: '[hidden]',
      },
    },
    destinations(destination ?? pino.destination(1)),
  );
}
