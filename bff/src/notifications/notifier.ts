/**
 * Notifications go out through a `Notifier`: the in-app store is one implementation, the
 * WeChat subscribe-message sender (./wechat-subscribe.ts) another. The app sends through
 * `notify()`, which fans out to every configured notifier; a failing channel never fails
 * the request that caused the notice (the in-app copy is written first).
 */
import { Notification, type Notice } from './model';

export interface Notifier {
  readonly name: string;
  send(notices: Notice[]): Promise<void>;
}

export class InAppNotifier implements Notifier {
  readonly name = 'in_app';
  async send(notices: Notice[]): Promise<void> {
    if (notices.length) await Notification.insertMany(notices.map((n) => ({ ...n, readAt: null })));
  }
}

let notifiers: Notifier[] = [new InAppNotifier()];

/** Replaces the channels (the app adds WeChat when configured; tests may add a recorder). */
export function setNotifiers(list: Notifier[]): void {
  notifiers = list;
}

/** Sends to each user once (duplicates by user dropped), on every channel. */
export async function notify(notices: Notice[]): Promise<void> {
  const seen = new Set<string>();
  const unique = notices.filter((n) => {
    const k = `${n.userId}:${n.kind}:${n.refId}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (!unique.length) return;
  const [first, ...others] = notifiers;
  await first?.send(unique);
  await Promise.all(others.map((n) => n.send(unique).catch(() => undefined)));
}
