import mongoose, { Schema } from 'mongoose';

export type NoticeKind =
  | 'sos_raised'
  | 'sos_acked'
  | 'sos_cancelled'
  | 'visit_dispatched'
  | 'visit_completed'
  | 'visit_cancelled'
  | 'visit_declined'
  | 'meal_confirmed'
  | 'standing_order_missed';

/** One message to one user, as the in-app list shows it. */
export interface Notice {
  userId: string;
  kind: NoticeKind;
  title: string;
  body: string;
  refType: 'sos' | 'service_order' | 'meal_order' | 'standing_order';
  refId: string;
}

export interface NotificationDoc extends Notice {
  _id: mongoose.Types.ObjectId;
  readAt: Date | null;
  createdAt: Date;
}

const schema = new Schema<NotificationDoc>(
  {
    userId: String,
    kind: String,
    title: String,
    body: String,
    refType: String,
    refId: String,
    readAt: { type: Date, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
);
// Queries: {userId} (the list), {userId, readAt: null} (unread list and count).
schema.index({ userId: 1 });
schema.index({ userId: 1, readAt: 1 });
export const Notification = mongoose.model<NotificationDoc>('Notification', schema, 'notifications');

export function notificationView(n: NotificationDoc) {
  return {
    id: String(n._id),
    kind: n.kind,
    title: n.title,
    body: n.body,
    refType: n.refType,
    refId: n.refId,
    createdAt: new Date(n.createdAt).toISOString(),
    readAt: n.readAt ? new Date(n.readAt).toISOString() : null,
  };
}
