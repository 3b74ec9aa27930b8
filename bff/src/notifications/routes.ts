import { IdParamsSchema, NotificationsQuerySchema } from '@yiyangtong/shared';
import { notFound } from '../core/errors';
import type { Api } from '../core/route';
import { conditionalUpdate } from '../db/write-lock';
import { Notification, notificationView, type NotificationDoc } from './model';
import { objectIdOrNull } from '../db/ids';

const unreadFilter = (userId: string) => ({ userId, readAt: null });

export function notificationRoutes(api: Api): void {
  api.add({
    method: 'get',
    path: '/api/notifications',
    tag: 'notifications',
    summary: '我的通知（?unread=1 只看未读）与未读数',
    access: 'signed_in',
    query: NotificationsQuerySchema,
    handler: async ({ query, actor }) => {
      const filter = query.unread === '1' ? unreadFilter(actor.id) : { userId: actor.id };
      const [items, unread] = await Promise.all([
        Notification.find(filter).sort({ _id: -1 }).limit(100).lean<NotificationDoc[]>(),
        Notification.countDocuments(unreadFilter(actor.id)),
      ]);
      return { items: items.map(notificationView), unread };
    },
  });

  api.add({
    method: 'post',
    path: '/api/notifications/:id/read',
    tag: 'notifications',
    summary: '标记一条通知为已读',
    access: 'signed_in',
    params: IdParamsSchema,
    handler: async ({ params, actor }) => {
      const oid = objectIdOrNull(params.id);
      const current = oid && (await Notification.findById(oid).lean<NotificationDoc>());
      if (!current || current.userId !== actor.id) throw notFound('通知');
      const updated = current.readAt
        ? current
        : ((await conditionalUpdate<NotificationDoc>(Notification, params.id, unreadFilter(actor.id), {
            $set: { readAt: new Date() },
          })) ?? (await Notification.findById(oid).lean<NotificationDoc>()));
      return notificationView(updated ?? current);
    },
  });

  api.add({
    method: 'post',
    path: '/api/notifications/read-all',
    tag: 'notifications',
    summary: '全部标记为已读',
    access: 'signed_in',
    handler: async ({ actor }) => {
      const unread = await Notification.find(unreadFilter(actor.id)).limit(500).lean<NotificationDoc[]>();
      const at = new Date();
      for (const n of unread) {
        await conditionalUpdate<NotificationDoc>(Notification, String(n._id), unreadFilter(actor.id), {
          $set: { readAt: at },
        });
      }
      return { ok: true, marked: unread.length, unread: 0 };
    },
  });
}
