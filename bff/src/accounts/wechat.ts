/**
 * WeChat mini-program login: exchanges a `wx.login()` code for an openid through
 * code2Session (GET {base}/sns/jscode2session?appid&secret&js_code&grant_type=authorization_code),
 * which answers `{openid, session_key, unionid?}` or `{errcode, errmsg}` (40029 invalid code,
 * 45011 rate limited, 40226 high-risk user, -1 busy). The base URL is configurable so tests
 * run the real HTTP client against a local server speaking the same format.
 */
export interface WechatSession {
  openid: string;
  unionid?: string;
}

export class WechatLoginError extends Error {
  constructor(
    readonly kind: 'rejected' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

export interface WechatConfig {
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs: number;
}

export async function code2Session(config: WechatConfig, code: string): Promise<WechatSession> {
  const url = new URL('/sns/jscode2session', config.baseUrl);
  url.search = new URLSearchParams({
    appid: config.appId,
    secret: config.appSecret,
    js_code: code,
    grant_type: 'authorization_code',
  }).toString();
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(config.timeoutMs) });
  } catch {
    throw new WechatLoginError('unavailable', '微信登录服务暂时无法连接');
  }
  let data: { openid?: unknown; unionid?: unknown; errcode?: unknown; errmsg?: unknown };
  try {
    data = (await res.json()) as typeof data;
  } catch {
    throw new WechatLoginError('unavailable', '微信登录服务返回了无法识别的内容');
  }
  if (!res.ok) throw new WechatLoginError('unavailable', `微信登录服务出错（HTTP ${res.status}）`);
  if (typeof data.errcode === 'number' && data.errcode !== 0) {
    if (data.errcode === -1 || data.errcode === 45011)
      throw new WechatLoginError('unavailable', '微信登录服务繁忙，请稍后再试');
    throw new WechatLoginError('rejected', '微信登录凭证无效或已过期');
  }
  if (typeof data.openid !== 'string' || !data.openid)
    throw new WechatLoginError('rejected', '微信未返回用户标识');
  return { openid: data.openid, ...(typeof data.unionid === 'string' ? { unionid: data.unionid } : {}) };
}
