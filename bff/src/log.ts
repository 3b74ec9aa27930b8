import pino, { type Logger } from 'pino';
import { scrubPersonalData } from '@yiyangtong/shared';

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
    destination,
  );
}
