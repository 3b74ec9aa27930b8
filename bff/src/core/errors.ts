import type Koa from 'koa';
import type { Logger } from 'pino';
import { scrubPersonalData } from '@yiyangtong/shared';

/** An error with the contract's shape: `{"error":{"code","message","fields?"}}`. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields?: Record<string, string>,
    /** Response headers that go with the error (e.g. Retry-After on a 429). */
    readonly headers?: Record<string, string>,
    /** More fields for `error` (e.g. the existing order's id on ALREADY_BOOKED). */
    readonly extra?: Record<string, string>,
  ) {
    super(message);
  }
}

export const validationFailed = (fields: Record<string, string>) =>
  new AppError(
    400,
    'VALIDATION_FAILED',
    `输入有误：${Object.entries(fields)
      .map(([k, v]) => `${k} ${v}`)
      .join('；')}`,
    fields,
  );
export const unauthorized = (message = '请先登录') => new AppError(401, 'UNAUTHORIZED', message);
export const forbidden = (message = '没有权限进行此操作') => new AppError(403, 'FORBIDDEN', message);
export const notFound = (what = '记录') => new AppError(404, 'NOT_FOUND', `${what}不存在`);
export const conflict = (code: string, message: string) => new AppError(409, code, message);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'TOO_MANY_REQUESTS', message, undefined, { 'Retry-After': String(retryAfterSeconds) });

/** Errors raised by Koa middleware (body parser, etc.) carry `status` and `expose`. */
function fromHttpError(err: {
  status?: number;
  statusCode?: number;
  type?: string;
  message?: string;
}): AppError | null {
  const status = err.status ?? err.statusCode;
  if (!status || status < 400 || status >= 500) return null;
  if (status === 413) return new AppError(413, 'PAYLOAD_TOO_LARGE', '请求内容太大');
  if (status === 415) return new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', '请以 JSON 格式提交');
  if (status === 400) return new AppError(400, 'MALFORMED_REQUEST', '请求格式不正确（JSON 无法解析）');
  return new AppError(status, 'BAD_REQUEST', '请求无法处理');
}

/**
 * Paths the API answers (a JSON 404, the API's security headers); anything else is the H5 app's.
 * Any case, as the router matches routes (`/API/health` is the health route).
 */
export const isApiPath = (path: string): boolean => path.slice(0, 4).toLowerCase() === '/api';

export function errorHandler(log: Logger): Koa.Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined && isApiPath(ctx.path)) {
        throw new AppError(404, 'NOT_FOUND', '接口不存在');
      }
    } catch (raw) {
      const err = raw instanceof AppError ? raw : (fromHttpError(raw as object) ?? null);
      if (err) {
        ctx.status = err.status;
        if (err.headers) ctx.set(err.headers);
        ctx.body = {
          error: {
            code: err.code,
            message: err.message,
            ...(err.fields ? { fields: err.fields } : {}),
            ...(err.extra ?? {}),
          },
        };
        return;
      }
      const e = raw as Error;
      // Unexpected: log it (scrubbed of ID numbers and phones), answer without internals.
      log.error(
        {
          err: {
            name: e?.name,
            message: scrubPersonalData(String(e?.message)),
            stack: scrubPersonalData(String(e?.stack)),
          },
          path: ctx.path,
        },
        'unhandled error',
      );
      ctx.status = 500;
      ctx.body = { error: { code: 'INTERNAL', message: '服务暂时出错，请稍后再试' } };
    }
  };
}
