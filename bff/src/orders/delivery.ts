/**
 * Delivery as a welfare check (issue 15): the courier sees the slot's delivery orders with
 * the address, the elder's phone (whole: to call from the door) and diet, and records what
 * happened at the door.
 *
 *  - `delivered`: the order becomes `served` through the counter's check-out transition
 *    (`transition` → the day's counters and meal events), collecting 到店付 money at the door.
 *  - `not_home` / `unwell`: the outcome is recorded and one alarm raised with
 *    `source: 'delivery'` (family and the community's workers told). The order keeps its
 *    status: the meal was cooked, so settlement counts it like a no-show (not cancelled,
 *    not served, no refund, counter money not collected).
 *
 * A repeat of the recorded outcome answers the same (no second alarm). After `not_home`
 * or `unwell` a later `delivered` (the second try found the elder) serves the order;
 * nothing changes a delivered order.
 */
import { chinaDate, type DeliveryOutcome, type Slot, SLOT_LABELS } from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { AppError, conflict, notFound } from '../core/errors';
import { conditionalUpdate } from '../db/write-lock';
import type { ElderDoc } from '../elders/model';
import { raiseSystemAlarm, eldersById } from '../sos/service';
import { whoOf } from '../services/service';
import { MealOrder, type MealOrderDoc } from './model';
import { counterCollection, loadOrderFor, paymentView, transition } from './service';
import { recordAudit } from '../audit/record';
import { ordersOfCanteenDay } from './queries';

/** The slot's delivery orders of one canteen and day (the day sheet's key, filtered here). */
export async function deliveriesOf(canteenId: string, date: string, slot?: Slot) {
  const orders = (await ordersOfCanteenDay(canteenId, date, slot))
    .filter((o) => o.fulfilment === 'delivery' && o.status !== 'cancelled')
    .sort(
      (a, b) =>
        (a.address ?? '').localeCompare(b.address ?? '', 'zh') || String(a._id).localeCompare(String(b._id)),
    );
  const elders = await eldersById(orders.map((o) => o.elderId));
  return orders.map((o) => deliveryView(o, elders.get(o.elderId)));
}

/** One delivery as the courier reads it. The phone is whole: the courier calls from the door. */
export function deliveryView(o: MealOrderDoc, elder: ElderDoc | undefined) {
  const phone = elder?.phone || elder?.emergencyContacts?.find((c) => c.phone)?.phone;
  return {
    orderId: String(o._id),
    elderId: o.elderId,
    elderName: o.elderName,
    date: o.date,
    slot: o.slot,
    address: o.address ?? elder?.address ?? '',
    ...(phone ? { phone } : {}),
    dietNotes: (elder?.diet ?? []).join('、'),
    items: o.items.map((i) => `${i.name} ×${i.qty}`).join('、'),
    payment: paymentView(o),
    status: o.status,
    ...(o.delivery
      ? {
          delivery: {
            outcome: o.delivery.outcome,
            at: new Date(o.delivery.at).toISOString(),
            by: o.delivery.by,
            ...(o.delivery.notes ? { notes: o.delivery.notes } : {}),
            ...(o.delivery.sosId ? { sosId: o.delivery.sosId } : {}),
          },
        }
      : {}),
  };
}

const hhmm = (at: Date) =>
  new Intl.DateTimeFormat('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
  }).format(at);

/** 「送餐：12:05 送午餐，敲门无人应门（邻居说去了医院）」 — shown on the desk and in the notices. */
function alarmReason(order: MealOrderDoc, outcome: 'not_home' | 'unwell', now: Date, notes?: string): string {
  const what = outcome === 'not_home' ? '敲门无人应门' : '长者身体不适';
  const more = notes ? `（${notes.length > 60 ? `${notes.slice(0, 60)}…` : notes}）` : '';
  return `送餐：${hhmm(now)} 送${SLOT_LABELS[order.slot]}，${what}${more}`;
}

async function applyDelivery(
  actor: Actor,
  id: string,
  body: { outcome: DeliveryOutcome; notes?: string },
  now: Date,
): Promise<{ order: MealOrderDoc; changed: boolean; alarm?: { id: string; created: boolean } }> {
  // Another canteen's order (or none) is a 404: loadOrderFor checks the staff's canteen.
  const order = await loadOrderFor(actor, id);
  if (order.fulfilment !== 'delivery')
    throw conflict('NOT_DELIVERY', '这份餐不是送餐上门的，请在窗口取餐核销');
  if (order.status === 'cancelled') throw conflict('ORDER_CANCELLED', '订单已取消，不用送了');
  if (order.delivery?.outcome === body.outcome) return { order, changed: false };
  if (order.delivery?.outcome === 'delivered' || order.status === 'served')
    throw conflict('ALREADY_SERVED', '这份餐已经送达（已取餐），不能再改');
  if (order.date > chinaDate(now)) throw conflict('TOO_EARLY', `这份餐是 ${order.date} 的，还没到送餐的日子`);
  const by = whoOf(actor);
  const delivery = {
    outcome: body.outcome,
    at: now,
    by,
    ...(body.notes ? { notes: body.notes } : {}),
  };
  if (body.outcome === 'delivered') {
    // The counter's check-out: 到店付 is collected at the door, by the courier.
    const collect = counterCollection(order, by, now);
    try {
      const served = await transition(order, 'serve', actor, now, {
        ...collect,
        delivery: { ...delivery, ...(order.delivery?.sosId ? { sosId: order.delivery.sosId } : {}) },
      });
      return { order: served, changed: true };
    } catch (err) {
      // A double tap: the other request served it as delivered — the same answer, once.
      if (!(err instanceof AppError) || err.code !== 'ALREADY_SERVED') throw err;
      const current = await MealOrder.findById(order._id).lean<MealOrderDoc>();
      if (current?.delivery?.outcome !== 'delivered') throw err;
      return { order: current, changed: false };
    }
  }
  // The alarm first: should the record below fail, a retry finds the same open alarm (no second notice).
  const { sos, created } = await raiseSystemAlarm(
    {
      elderId: order.elderId,
      source: 'delivery',
      reason: alarmReason(order, body.outcome, now, body.notes),
      by,
      ref: { type: 'meal_order', id: String(order._id) },
    },
    now,
  );
  const updated = await conditionalUpdate<MealOrderDoc>(
    MealOrder,
    String(order._id),
    { status: { $in: ['placed', 'confirmed'] } },
    { $set: { delivery: { ...delivery, sosId: String(sos._id) } } },
  );
  if (!updated) {
    const current = await MealOrder.findById(order._id).lean<MealOrderDoc>();
    if (!current) throw notFound('订单');
    throw conflict(
      current.status === 'cancelled' ? 'ORDER_CANCELLED' : 'ALREADY_SERVED',
      current.status === 'cancelled' ? '订单已取消' : '这份餐已经送达（已取餐），不能再改',
    );
  }
  return { order: updated, changed: true, alarm: { id: String(sos._id), created } };
}

/** The courier's result, on the audit log when it changed anything (a repeat of the same result does not). */
export async function recordDelivery(
  actor: Actor,
  id: string,
  body: { outcome: DeliveryOutcome; notes?: string },
  now: Date,
): Promise<{ order: MealOrderDoc; alarm?: { id: string; created: boolean } }> {
  const { order, changed, alarm } = await applyDelivery(actor, id, body, now);
  if (changed)
    await recordAudit(actor, {
      action: 'meal_order.delivery',
      targetType: 'meal_order',
      targetId: id,
      communityId: order.communityId,
      changes: [
        { field: 'delivery', after: body.outcome },
        ...(body.outcome === 'delivered' ? [{ field: 'status', after: 'served' }] : []),
      ],
      reason: `${order.date} ${SLOT_LABELS[order.slot]}送餐${
        { delivered: '已送达', not_home: '无人应门', unwell: '长者身体不适' }[body.outcome]
      }${body.notes ? `：${body.notes}` : ''}`,
    });
  return { order, ...(alarm ? { alarm } : {}) };
}
