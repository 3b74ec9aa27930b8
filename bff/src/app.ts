/**
 * The BFF: Koa with a small core (errors, auth, routes) and one folder per domain.
 * `createApp` composes them; `server.ts` opens the database and listens.
 */
import { bodyParser } from '@koa/bodyparser';
import cors from '@koa/cors';
import Koa from 'koa';
import type { Logger } from 'pino';
import { accountRoutes } from './accounts/routes';
import { auditRoutes } from './audit/routes';
import { refuseRevokedSessions } from './accounts/sessions';
import type { AppConfig } from './config';
import { readBearer, tokenService } from './core/auth';
import { compression } from './core/compression';
import { AppError, errorHandler } from './core/errors';
import { Api } from './core/route';
import { securityHeaders } from './core/security-headers';
import { staticFiles } from './core/static';
import { useIdCardKey } from './elders/idcard-crypto';
import { elderRoutes } from './elders/routes';
import { assessmentRoutes } from './assessments/routes';
import { healthRoutes } from './health/routes';
import { placeRoutes } from './places/routes';
import { menuRoutes } from './menus/routes';
import { discountRoutes } from './discounts/routes';
import { orderRoutes } from './orders/routes';
import { reportRoutes } from './reports/routes';
import { notificationRoutes } from './notifications/routes';
import { configureNotifiers } from './notifications/setup';
import { serviceRoutes } from './services/routes';
import { packageRoutes } from './packages/routes';
import { sosRoutes } from './sos/routes';
import { followUpRoutes } from './follow-ups/routes';
import { standingOrderRoutes } from './standing-orders/routes';
import { cardRoutes } from './cards/routes';
import { careRoutes } from './care/routes';
import { paymentRoutes } from './payments/routes';
import { WechatPay } from './payments/wechat-pay';

export interface AppDeps {
  config: AppConfig;
  log: Logger;
}

export function createApp({ config, log }: AppDeps): { app: Koa; api: Api } {
  const tokens = tokenService(config.jwtSecret, config.jwtExpiresIn);
  // server.ts always has a key (ID_CARD_KEY or DATA_DIR's); an app only listing its routes needs none.
  if (config.idCardKey) useIdCardKey(config.idCardKey);
  const api = new Api();
  healthRoutes(api, () => api.openapi({ title: '颐养通 BFF', version: '1.0.0' }));
  accountRoutes(api, { config, tokens });
  placeRoutes(api, config.clock);
  elderRoutes(api, config.login, config.clock);
  assessmentRoutes(api, config.clock);
  menuRoutes(api);
  discountRoutes(api);
  orderRoutes(api, config.clock);
  reportRoutes(api);
  serviceRoutes(api, config.clock);
  packageRoutes(api, config.clock);
  sosRoutes(api, config.clock);
  followUpRoutes(api, config.clock);
  notificationRoutes(api);
  standingOrderRoutes(api, { clock: config.clock, log });
  const pay = config.wechatPay && new WechatPay(config.wechatPay);
  cardRoutes(api, { clock: config.clock, pay });
  paymentRoutes(api, { clock: config.clock, pay });
  auditRoutes(api);
  careRoutes(api, config.clock);
  configureNotifiers(config);

  const app = new Koa({ proxy: process.env.TRUST_PROXY === '1' });
  app.use(async (ctx, next) => {
    const started = process.hrtime.bigint();
    await next();
    // Path only: query strings may carry names or phones (?q=).
    log.info(
      {
        method: ctx.method,
        path: ctx.path,
        status: ctx.status,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        user: ctx.state.actor?.id,
      },
      'request',
    );
  });
  app.use(compression());
  app.use(errorHandler(log));
  app.use(securityHeaders());
  app.use(
    cors({
      origin: (ctx) => (config.corsOrigins.includes(ctx.get('origin')) ? ctx.get('origin') : ''),
      allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
    }),
  );
  app.use(
    bodyParser({
      enableTypes: ['json'],
      jsonLimit: config.bodyLimit,
      encoding: 'utf-8',
      // e.g. `Content-Encoding: gzip` on a body that is not: zlib errors carry no HTTP status.
      onError: (err) => {
        throw (err as { status?: number }).status
          ? err
          : new AppError(400, 'MALFORMED_REQUEST', '请求内容无法读取');
      },
    }),
  );
  app.use(readBearer(tokens));
  app.use(refuseRevokedSessions());
  app.use(api.router.routes);
  // A known path with a method it lacks → 405 with `Allow` (RFC 9110), methods koa-router
  // does not know at all (TRACE…) included; OPTIONS answers the same `Allow`. The methods come
  // from the declarations (a literal path beats a parameter: /quote is not /:id).
  app.use(async (ctx, next) => {
    await next();
    if (ctx.status !== 405 && ctx.status !== 501 && !(ctx.method === 'OPTIONS' && ctx.response.get('Allow')))
      return;
    const allow = api.allowedAt(ctx.path);
    if (!allow) {
      // No route at this path at all (PROPFIND /api/nothing): there is nothing here.
      ctx.remove('Allow');
      ctx.status = 404;
      ctx.body = { error: { code: 'NOT_FOUND', message: '接口不存在' } };
      return;
    }
    ctx.set('Allow', allow);
    if (ctx.method === 'OPTIONS') return;
    ctx.status = 405;
    ctx.body = { error: { code: 'METHOD_NOT_ALLOWED', message: '不支持该请求方法' } };
  });
  app.use(api.router.allowedMethods);
  if (config.h5Dir) app.use(staticFiles(config.h5Dir));
  return { app, api };
}
