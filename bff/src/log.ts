import fs from 'node:fs';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import { scrubPersonalData } from '@yiyangtong/shared';

/**
 * `LOG_COPY_DIR` set: every line is also appended to `<dir>/bff-<pid>.log` (the test suite's
 * log scan reads them from every BFF it started). Appended synchronously: a BFF killed
 * mid-test loses nothing it logged.
 */
function withCopy(destination: pino.DestinationStream | undefined): pino.DestinationStream | undefined {
  const dir = process.env.LOG_COPY_DIR;
  if (!dir) return destination;
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `bff-${process.pid}.log`);
  return pino.multistream([
    { level: 'trace', stream: destination ?? pino.destination(1) },
    { level: 'trace', stream: { write: (line: string) => fs.appendFileSync(file, line) } },
  ]);
}

/**
 * Structured JSON logs. Request bodies, query strings and headers are never logged;
 * every message and string field is scrubbed of ID numbers and phones as a second fence.
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
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a) => (typeof a === 'string' ? scrubPersonalData(a) : a)) as Parameters<typeof method>,
          );
        },
      },
    },
    withCopy(destination),
  );
}
