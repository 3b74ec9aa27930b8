import { randomBytes } from 'node:crypto';

export interface AppConfig {
  jwtSecret: string;
  jwtExpiresIn: string;
  bootstrapAdmin: { phone: string; password: string; name: string };
  wechat: { baseUrl: string; appId: string; appSecret: string; timeoutMs: number };
  /** WeChat subscribe-message template ids per notice kind (JSON, WECHAT_SUBSCRIBE_TEMPLATES); none → in-app only. */
  wechatTemplates?: Record<string, string>;
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
  /** The time now; tests move it (cut-offs near midnight China time). */
  clock: () => Date;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
  return {
    jwtSecret: env.JWT_SECRET || randomBytes(32).toString('hex'),
    jwtExpiresIn: env.JWT_EXPIRES_IN || '12h',
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
    clock: () => new Date(),
  };
}
