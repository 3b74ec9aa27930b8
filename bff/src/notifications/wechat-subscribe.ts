/**
 * WeChat mini-program subscribe messages (订阅消息), per WeChat's documented API:
 *  - GET  {base}/cgi-bin/token?grant_type=client_credential&appid&secret
 *         → {access_token, expires_in} or {errcode, errmsg}
 *  - POST {base}/cgi-bin/message/subscribe/send?access_token=…
 *         {touser, template_id, page?, data:{key:{value}}, miniprogram_state?, lang?}
 *         → {errcode: 0, errmsg: "ok"} or e.g. 40001/42001 (token invalid/expired: fetched
 *         again once), 43101 (the user has not subscribed: skipped), 47003 (bad data).
 * The base URL is configurable (as for login) so tests run this client against a local server.
 */
import type { Notice, NoticeKind } from './model';
import type { Notifier } from './notifier';

export interface WechatSubscribeConfig {
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
  /** template id per notice kind; kinds without one are not sent */
  templates: Partial<Record<NoticeKind, string>>;
  /** the user's openid, or null when they never signed in with WeChat */
  openidOf(userId: string): Promise<string | null>;
  page?: string;
}

export class WechatApiError extends Error {
  constructor(
    readonly errcode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SendResult {
  userId: string;
  outcome: 'sent' | 'not_subscribed' | 'no_openid' | 'no_template' | 'failed';
  errcode?: number;
}

const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
/** WeChat's `thing` fields hold at most 20 characters. */
const thing = (s: string) => ({ value: [...s].slice(0, 20).join('') });

export class WechatSubscribeNotifier implements Notifier {
  readonly name = 'wechat_subscribe';
  private token: { value: string; until: number } | null = null;
  readonly results: SendResult[] = [];

  constructor(private readonly config: WechatSubscribeConfig) {}

  private async call(url: URL, init?: RequestInit): Promise<Record<string, unknown>> {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(this.config.timeoutMs) });
    const data = (await res.json().catch(() => null)) as Record<string, unknown> | null;
    if (!res.ok || !data) throw new WechatApiError(-1, `微信接口出错（HTTP ${res.status}）`);
    return data;
  }

  async accessToken(force = false): Promise<string> {
    if (!force && this.token && this.token.until > Date.now()) return this.token.value;
    const url = new URL('/cgi-bin/token', this.config.baseUrl);
    url.search = new URLSearchParams({
      grant_type: 'client_credential',
      appid: this.config.appId,
      secret: this.config.appSecret,
    }).toString();
    const data = await this.call(url);
    if (typeof data.access_token !== 'string') {
      throw new WechatApiError(Number(data.errcode ?? -1), `获取 access_token 失败：${String(data.errmsg)}`);
    }
    const ttl = typeof data.expires_in === 'number' ? data.expires_in : 7200;
    // Refresh five minutes early.
    this.token = { value: data.access_token, until: Date.now() + Math.max(60, ttl - 300) * 1000 };
    return this.token.value;
  }

  /** Sends one subscribe message; returns WeChat's errcode (0 = sent). */
  async sendOne(openid: string, templateId: string, notice: Notice): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const url = new URL('/cgi-bin/message/subscribe/send', this.config.baseUrl);
      url.search = new URLSearchParams({ access_token: await this.accessToken(attempt > 0) }).toString();
      const data = await this.call(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          touser: openid,
          template_id: templateId,
          page: this.config.page ?? 'pages/notifications/notifications',
          data: { thing1: thing(notice.title), thing2: thing(notice.body) },
          miniprogram_state: 'formal',
          lang: 'zh_CN',
        }),
      });
      const errcode = Number(data.errcode ?? 0);
      if (TOKEN_ERRORS.has(errcode) && attempt === 0) continue;
      return errcode;
    }
  }

  async send(notices: Notice[]): Promise<void> {
    for (const n of notices) {
      const templateId = this.config.templates[n.kind];
      if (!templateId) {
        this.results.push({ userId: n.userId, outcome: 'no_template' });
        continue;
      }
      const openid = await this.config.openidOf(n.userId);
      if (!openid) {
        this.results.push({ userId: n.userId, outcome: 'no_openid' });
        continue;
      }
      try {
        const errcode = await this.sendOne(openid, templateId, n);
        this.results.push({
          userId: n.userId,
          outcome: errcode === 0 ? 'sent' : errcode === 43101 ? 'not_subscribed' : 'failed',
          ...(errcode ? { errcode } : {}),
        });
      } catch (err) {
        this.results.push({
          userId: n.userId,
          outcome: 'failed',
          errcode: err instanceof WechatApiError ? err.errcode : -1,
        });
      }
      if (this.results.length > 100) this.results.splice(0, this.results.length - 100);
    }
  }
}
