/**
 * Standing orders (长期订餐): set up, list, pause, end. Who may do it is who may book for the
 * elder (elders/access.ts): the elder, linked family, the community's workers, admin.
 * Writes to a standing order go through `conditionalUpdate` (status 'active' as condition):
 * two people ending and pausing it at once never resurrect an ended one.
 */
import mongoose from 'mongoose';
import { addDays, chinaDate, standingOrderSummary, type Slot, type StandingItem } from '@yiyangtong/shared';
import type { z } from 'zod';
import type { CreateStandingOrderBodySchema } from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { AppError, conflict, notFound, validationFailed } from '../core/errors';
import { conditionalUpdate, writeLock } from '../db/write-lock';
import { assertBookable, loadElderFor, mayActForElder, visibleElderIds } from '../elders/access';
import { Dish } from '../menus/model';
import { cancelOrder } from '../orders/service';
import {
  runId,
  standingMonth,
  StandingOrder,
  StandingRun,
  type StandingOrderDoc,
  type StandingRunDoc,
} from './model';
import { slotCutoff, findCanteen } from '../places/service';
import { objectIdOrNull } from '../db/ids';

type CreateBody = z.output<typeof CreateStandingOrderBodySchema>;

const MAX_PER_ELDER = 10;
const MAX_PAUSES = 20;
const MAX_PAUSE_DAYS = 366;

export async function createStandingOrder(
  actor: Actor,
  body: CreateBody,
  now: Date,
): Promise<StandingOrderDoc> {
  const elder = await loadElderFor(actor, body.elderId);
  assertBookable(elder);
  const canteen = await findCanteen(body.canteenId);
  if (!canteen.slots.some((s) => s.slot === body.slot))
    throw validationFailed({ slot: '该食堂不提供这个餐次' });
  if (!canteen.fulfilment.includes(body.fulfilment))
    throw validationFailed({ fulfilment: '该食堂不提供这种取餐方式' });
  if (body.fulfilment === 'delivery' && !elder.address) throw validationFailed({ address: '送餐需要地址' });

  const ids = body.items.map((i) => objectIdOrNull(i.dishId));
  const dishes = await Dish.find({ _id: { $in: ids }, canteenId: body.canteenId }).lean();
  const fields: Record<string, string> = {};
  body.items.forEach((item, i) => {
    if (!dishes.some((d) => String(d._id) === item.dishId))
      fields[`items.${i}.dishId`] = '不是这个食堂的菜品';
  });
  if (Object.keys(fields).length) throw validationFailed(fields);

  // One standing order per elder, meal and weekday: two would place two lunches on the same day.
  const existing = (
    await StandingOrder.find({ elderId: body.elderId }).limit(100).lean<StandingOrderDoc[]>()
  ).filter((o) => o.status === 'active');
  if (existing.length >= MAX_PER_ELDER) throw conflict('TOO_MANY_STANDING_ORDERS', '长期订餐最多设置 10 个');
  const clash = existing.find(
    (o) => o.slot === body.slot && o.weekdays.some((d) => body.weekdays.includes(d)),
  );
  if (clash)
    throw conflict(
      'STANDING_ORDER_EXISTS',
      `已经有一个长期订餐：${summaryOf(clash)}。请先取消它，或换别的日子`,
    );

  const items: StandingItem[] = body.items.map((i) => ({
    dishId: i.dishId,
    name: dishes.find((d) => String(d._id) === i.dishId)!.name,
    qty: i.qty,
    fallback: i.fallback ?? 'set_meal',
  }));
  const created = await StandingOrder.create({
    elderId: body.elderId,
    elderName: elder.name,
    communityId: elder.communityId,
    canteenId: body.canteenId,
    canteenName: canteen.name,
    slot: body.slot,
    weekdays: [...body.weekdays].sort((a, b) => a - b),
    items,
    fulfilment: body.fulfilment,
    payment: body.payment ?? 'counter',
    pauses: [],
    status: 'active',
    startsAfter: chinaDate(now),
    createdBy: {
      userId: actor.id,
      role: actor.role,
      name: actor.name,
      ...(actor.communityId ? { communityId: actor.communityId } : {}),
      ...(actor.canteenId ? { canteenId: actor.canteenId } : {}),
      ...(actor.elderId ? { elderId: actor.elderId } : {}),
    },
  });
  return created.toObject();
}

/** The standing order if the caller may act for its elder; 404 otherwise (not even its existence). */
export async function loadStandingOrderFor(actor: Actor, id: string): Promise<StandingOrderDoc> {
  const oid = objectIdOrNull(id);
  const found = oid && (await StandingOrder.findById(oid).lean<StandingOrderDoc>());
  if (
    !found ||
    found.status !== 'active' ||
    !(await mayActForElder(actor, {
      _id: new mongoose.Types.ObjectId(found.elderId),
      communityId: found.communityId,
    }))
  )
    throw notFound('长期订餐');
  return found;
}

export async function listStandingOrders(actor: Actor, elderId?: string): Promise<StandingOrderDoc[]> {
  let elderIds: string[];
  if (elderId) {
    await loadElderFor(actor, elderId);
    elderIds = [elderId];
  } else if (actor.role === 'elder' || actor.role === 'family') {
    elderIds = await visibleElderIds(actor);
  } else {
    throw validationFailed({ 'query.elderId': '请指定长者' });
  }
  const lists = await Promise.all(
    elderIds.map((id) => StandingOrder.find({ elderId: id }).limit(100).lean<StandingOrderDoc[]>()),
  );
  return lists
    .flat()
    .filter((o) => o.status === 'active')
    .sort((a, b) => String(a._id).localeCompare(String(b._id)));
}

/** This month's and next month's runs (the horizon is two days), newest first. */
export async function recentRuns(o: StandingOrderDoc, now: Date): Promise<StandingRunDoc[]> {
  const today = chinaDate(now);
  const months = [
    ...new Set([today, addDays(today, 3), addDays(today, -28)].map((d) => standingMonth(String(o._id), d))),
  ];
  const lists = await Promise.all(
    months.map((m) => StandingRun.find({ standingMonth: m }).limit(200).lean<StandingRunDoc[]>()),
  );
  return lists
    .flat()
    .sort((a, b) => (a.date === b.date ? 0 : a.date < b.date ? 1 : -1))
    .slice(0, 14);
}

export function summaryOf(o: Pick<StandingOrderDoc, 'weekdays' | 'slot' | 'items' | 'fulfilment'>): string {
  return standingOrderSummary(o);
}

export function standingOrderView(o: StandingOrderDoc, runs: StandingRunDoc[] = []) {
  return {
    id: String(o._id),
    elderId: o.elderId,
    elderName: o.elderName,
    canteenId: o.canteenId,
    canteenName: o.canteenName,
    slot: o.slot,
    weekdays: o.weekdays,
    items: o.items.map((i) => ({ dishId: i.dishId, name: i.name, qty: i.qty, fallback: i.fallback })),
    fulfilment: o.fulfilment,
    payment: o.payment,
    pauses: (o.pauses ?? []).map((p) => ({ id: p.id, from: p.from, to: p.to })),
    status: o.status,
    summary: summaryOf(o),
    startsAfter: o.startsAfter,
    createdBy: { userId: o.createdBy.userId, role: o.createdBy.role, name: o.createdBy.name },
    createdAt: new Date(o.createdAt).toISOString(),
    runs: runs.map((r) => ({
      date: r.date,
      slot: r.slot,
      status: r.status,
      ...(r.orderId ? { orderId: r.orderId } : {}),
      ...(r.error ? { error: { code: r.error.code, message: r.error.message } } : {}),
      attempts: r.attempts,
      updatedAt: r.updatedAt ? new Date(r.updatedAt).toISOString() : null,
    })),
  };
}

/**
 * Adds a pause (holiday, hospital). Meals it covers that the scheduler already placed are
 * cancelled when still before their cut-off (portions go back); later ones are skipped.
 */
export async function addPause(
  actor: Actor,
  id: string,
  range: { from: string; to: string },
  now: Date,
): Promise<{
  standingOrder: StandingOrderDoc;
  pause: { id: string; from: string; to: string };
  cancelledOrderIds: string[];
}> {
  const current = await loadStandingOrderFor(actor, id);
  const today = chinaDate(now);
  if (range.to < today) throw validationFailed({ to: '暂停的结束日期已经过去了' });
  if (range.to > addDays(range.from, MAX_PAUSE_DAYS - 1)) throw validationFailed({ to: '一次最多暂停一年' });
  if ((current.pauses ?? []).length >= MAX_PAUSES)
    throw conflict('TOO_MANY_PAUSES', '暂停太多了，请先删掉过去的暂停');
  const pause = { id: String(new mongoose.Types.ObjectId()), from: range.from, to: range.to };
  const updated = await conditionalUpdate<StandingOrderDoc>(
    StandingOrder,
    id,
    { status: 'active' },
    { $push: { pauses: pause } },
  );
  if (!updated) throw notFound('长期订餐');
  const cancelledOrderIds = await cancelMaterialised(actor, updated, range, now);
  return { standingOrder: updated, pause, cancelledOrderIds };
}

/** Cancels this standing order's placed meals within `range` that are still before their cut-off. */
async function cancelMaterialised(
  actor: Actor,
  o: StandingOrderDoc,
  range: { from: string; to: string },
  now: Date,
): Promise<string[]> {
  const canteen = await findCanteen(o.canteenId);
  const cancelled: string[] = [];
  // Only the scheduler's horizon can hold placed meals (today and the next two days).
  for (let i = 0; i <= 2; i++) {
    const date = addDays(chinaDate(now), i);
    if (date < range.from || date > range.to) continue;
    const cutoff = slotCutoff(canteen, date, o.slot as Slot);
    if (!cutoff || now.getTime() >= cutoff.getTime()) continue;
    const run = await StandingRun.findById(runId(o.elderId, date, o.slot)).lean<StandingRunDoc>();
    if (!run || run.standingOrderId !== String(o._id) || run.status !== 'placed' || !run.orderId) continue;
    try {
      await cancelOrder(actor, run.orderId, now);
      cancelled.push(run.orderId);
    } catch (err) {
      // Already cancelled by hand, or served: nothing to undo.
      if (!(err instanceof AppError)) throw err;
    }
  }
  return cancelled;
}

export async function removePause(actor: Actor, id: string, pauseId: string): Promise<StandingOrderDoc> {
  await loadStandingOrderFor(actor, id);
  // MongoDB: one atomic $pull by the pause's id, no lease.
  // FerretDB v1 does not apply $pull by a subdocument field: read and rewrite the list under the
  // document's write lock (conditionalUpdate takes the same lock for the other writes).
  const updated =
    writeLock.mode === 'atomic'
      ? await StandingOrder.findOneAndUpdate(
          { _id: id, status: 'active', 'pauses.id': pauseId },
          { $pull: { pauses: { id: pauseId } } },
          { new: true },
        ).lean<StandingOrderDoc>()
      : await writeLock.run(`${StandingOrder.collection.name}:${id}`, async () => {
          const current = await StandingOrder.findById(id).lean<StandingOrderDoc>();
          if (!current || current.status !== 'active') throw notFound('长期订餐');
          if (!(current.pauses ?? []).some((p) => p.id === pauseId)) throw notFound('暂停');
          return StandingOrder.findOneAndUpdate(
            { _id: id, status: 'active' },
            { $set: { pauses: current.pauses.filter((p) => p.id !== pauseId) } },
            { new: true },
          ).lean<StandingOrderDoc>();
        });
  if (!updated) {
    const current = await StandingOrder.findById(id).lean<StandingOrderDoc>();
    throw notFound(current?.status === 'active' ? '暂停' : '长期订餐');
  }
  return updated;
}

/** Ends a standing order. Meals already placed stay (each can be cancelled in 我的订单). */
export async function endStandingOrder(actor: Actor, id: string, now: Date): Promise<StandingOrderDoc> {
  await loadStandingOrderFor(actor, id);
  const updated = await conditionalUpdate<StandingOrderDoc>(
    StandingOrder,
    id,
    { status: 'active' },
    { $set: { status: 'ended', endedAt: now } },
  );
  if (!updated) throw notFound('长期订餐');
  return updated;
}
