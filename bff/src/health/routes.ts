import mongoose from 'mongoose';
import { AppError } from '../core/errors';
import type { Api } from '../core/route';

export function healthRoutes(api: Api, openapi: () => object): void {
  api.add({
    method: 'get',
    path: '/api/health',
    tag: 'system',
    summary: '健康检查（数据库可用时 ok）',
    access: 'public',
    handler: async () => {
      try {
        await mongoose.connection.db!.command({ ping: 1 });
        return { ok: true };
      } catch {
        throw new AppError(503, 'DATABASE_UNAVAILABLE', '数据库暂时不可用');
      }
    },
  });
  let cached: object | undefined;
  api.add({
    method: 'get',
    path: '/api/openapi.json',
    tag: 'system',
    summary: 'OpenAPI 3 文档（由校验请求的同一组 zod schema 生成）',
    access: 'public',
    handler: () => (cached ??= openapi()),
  });
}
