import { Credential } from '../accounts/model';
import type { AppConfig } from '../config';
import type { NoticeKind } from './model';
import { InAppNotifier, setNotifiers } from './notifier';
import { WechatSubscribeNotifier } from './wechat-subscribe';

/** The user's WeChat openid from their `wechat:<openid>` credential. Query: Credential {userId}. */
export async function openidOf(userId: string): Promise<string | null> {
  const creds = await Credential.find({ userId }).limit(5).lean();
  const wx = creds.find((c) => c._id.startsWith('wechat:'));
  return wx ? wx._id.slice('wechat:'.length) : null;
}

/** In-app always; WeChat subscribe messages too when template ids are configured. */
export function configureNotifiers(config: AppConfig): void {
  const inApp = new InAppNotifier();
  if (!config.wechatTemplates) {
    setNotifiers([inApp]);
    return;
  }
  setNotifiers([
    inApp,
    new WechatSubscribeNotifier({
      ...config.wechat,
      templates: config.wechatTemplates as Partial<Record<NoticeKind, string>>,
      openidOf,
    }),
  ]);
}
