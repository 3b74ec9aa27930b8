import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { WechatPayConfig } from './payments/wechat-pay';
import { parseIdCardKey } from './elders/idcard-crypto';

export interface AppConfig {
  jwtSecret: string;
  jwtExpiresIn: string;
  /** Seals stored ID numbers (ID_CARD_KEY; server.ts falls back to one kept in DATA_DIR). */
  idCardKey?: Buffer;
  bootstrapAdmin: { phone: string; password: string; name: string };
  wechat: { baseUrl: string; appId: string; appSecret: string; timeoutMs: number };
  /** WeChat subscribe-message template ids per notice kind (JSON, WECHAT_SUBSCRIBE_TEMPLATES); none → in-app only. */
  wechatTemplates?: Record<string, string>;
  /** WeChat Pay v3 for family top-ups (WECHAT_PAY_*); absent → top-up by WeChat answers PAYMENT_UNAVAILABLE. */
  wechatPay?: WechatPayConfig;
  /** Built H5 app served at `/` (absent → API only). */
  h5Dir?: string;
  corsOrigins: string[];
  bodyLimit: string;
  /**
   * Guessing limits, each over `windowMs`: wrong passwords per phone (`maxFailures`) and per IP
   * (`maxFailuresPerIp`), unknown invite codes per family user (`maxInviteFailures`) and per IP.
   */
  login: { maxFailures: number; windowMs: number; maxFailuresPerIp: number; maxInviteFailures: number };
  logLevel: string;
  /** On SIGTERM/SIGINT: how long requests already received may still take (SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs: number;
  /** The time now; tests move it (cut-offs near midnight China time). */
  clock: () => Date;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return {
    jwtSecret: env.JWT_SECRET || randomBytes(32).toString('hex'),
    jwtExpiresIn: env.JWT_EXPIRES_IN || '12h',
    // A malformed key stops the start here, with a message naming ID_CARD_KEY.
    idCardKey: env.ID_CARD_KEY ? parseIdCardKey(env.ID_CARD_KEY) : undefined,
    bootstrapAdmin: {
      phone: env.BOOTSTRAP_ADMIN_PHONE || '13900000000',
      password: env.BOOTSTRAP_ADMIN_PASSWORD || 'Admin@12345',
      name: env.BOOTSTRAP_ADMIN_NAME || '区民政局管理员',
    },
    wechat: {
      baseUrl: env.WECHAT_API_BASE || 'https://api.weixin.qq.com',
      appId: env.WECHAT_APP_ID || 'wx-demo-appid',
      appSecret: env.WECHAT_APP_SECRET || 'demo-secret',
      timeoutMs: Number(env.WECHAT_TIMEOUT_MS || 5000),
    },
    wechatTemplates: env.WECHAT_SUBSCRIBE_TEMPLATES
      ? (JSON.parse(env.WECHAT_SUBSCRIBE_TEMPLATES) as Record<string, string>)
      : undefined,
    wechatPay: wechatPayFromEnv(env),
    h5Dir: env.H5_DIR,
    corsOrigins: (env.CORS_ORIGINS || 'http://localhost:3000,http://127.0.0.1:3000,http://localhost:10086')
      .split(',')
      .filter(Boolean),
    bodyLimit: env.BODY_LIMIT || '100kb',
    login: {
      maxFailures: Number(env.LOGIN_MAX_FAILURES || 5),
      windowMs: Number(env.LOGIN_WINDOW_MS || 15 * 60_000),
      maxFailuresPerIp: Number(env.LOGIN_MAX_FAILURES_PER_IP || 30),
      maxInviteFailures: Number(env.INVITE_MAX_FAILURES || 10),
    },
    logLevel: env.LOG_LEVEL || 'info',
    shutdownTimeoutMs: Number(env.SHUTDOWN_TIMEOUT_MS || 10_000),
    clock: () => new Date(),
  };
}

/**
 * WeChat Pay is configured only when every merchant setting is given; a half configuration
 * is a mistake worth stopping for (named, without values).
 */
export function wechatPayFromEnv(env: NodeJS.ProcessEnv): WechatPayConfig | undefined {
  const names = [
    'WECHAT_PAY_MCHID',
    'WECHAT_PAY_SERIAL',
    'WECHAT_PAY_PRIVATE_KEY_PATH',
    'WECHAT_PAY_APIV3_KEY',
    'WECHAT_PAY_PLATFORM_PUBLIC_KEY_PATH',
    'WECHAT_PAY_PLATFORM_SERIAL',
    'WECHAT_PAY_NOTIFY_URL',
  ];
  const missing = names.filter((n) => !env[n]);
  if (missing.length === names.length) return undefined;
  if (missing.length) throw new Error(`WeChat Pay is half configured: set ${missing.join(', ')}`);
  if (Buffer.byteLength(env.WECHAT_PAY_APIV3_KEY!, 'utf8') !== 32)
    throw new Error('WECHAT_PAY_APIV3_KEY must be 32 characters');
  return {
    mchId: env.WECHAT_PAY_MCHID!,
    appId: env.WECHAT_PAY_APP_ID || env.WECHAT_APP_ID || 'wx-demo-appid',
    merchantSerial: env.WECHAT_PAY_SERIAL!,
    privateKey: readFileSync(env.WECHAT_PAY_PRIVATE_KEY_PATH!, 'utf8'),
    apiV3Key: env.WECHAT_PAY_APIV3_KEY!,
    platformPublicKey: readFileSync(env.WECHAT_PAY_PLATFORM_PUBLIC_KEY_PATH!, 'utf8'),
    platformSerial: env.WECHAT_PAY_PLATFORM_SERIAL!,
    notifyUrl: env.WECHAT_PAY_NOTIFY_URL!,
    baseUrl: env.WECHAT_PAY_BASE_URL || 'https://api.mch.weixin.qq.com',
    timeoutMs: Number(env.WECHAT_PAY_TIMEOUT_MS || 8000),
  };
}
