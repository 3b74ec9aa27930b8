/**
 * Service orders: every step is one conditional write through `conditionalUpdate` (the
 * state machine in shared/ decides the legal "from" states), recorded on the timeline, and
 * followed by the day counters and the notices it causes.
 */
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import {
  ACTION_ROLES,
  chargedUnits,
  CHECK_IN_EARLIEST_MS,
  CHECK_IN_LATEST_MS,
  checkInWindow,
  chinaDate,
  chinaMonth,
  computeServicePricing,
  counterStatus,
  countsAsServed,
  nextStatus,
  REVIEW_STATE_NAMES,
  SERVICE_ACTION_NAMES,
  SERVICE_MACHINE,
  SERVICE_STATUS_NAMES,
  type Pricing,
  type ServiceAction,
  type ServiceStatus,
} from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { AppError, conflict, forbidden, notFound, validationFailed } from '../core/errors';
import { activeRules } from '../discounts/model';
import { assertBookable, loadElderFor, mayActForElder } from '../elders/access';
import { Elder, type ElderDoc } from '../elders/model';
import { oncePerKey } from '../core/idempotency';
import { coveredByPackage, drawVisit, finishDraw, giveBack } from '../packages/service';
import { Community } from '../places/model';
import { bumpCounters, serviceStatusChange } from '../reports/counters';
import { ServiceItem, ServiceOrder, type ServiceItemDoc, type ServiceOrderDoc, type Who } from './model';
import { objectIdOrNull } from '../db/ids';
import { applyTransition } from '../db/transition';

export interface ServiceQuoteInput {
  elderId: string;
  itemId: string;
  scheduledAt: string;
  hours?: number;
}

export const whoOf = (a: Actor): Who => ({ userId: a.id, role: a.role, name: a.name });

export async function findItem(id: string): Promise<ServiceItemDoc> {
  const oid = objectIdOrNull(id);
  const item = oid && (await ServiceItem.findById(oid).lean<ServiceItemDoc>());
  if (!item) throw notFound('服务项目');
  return item;
}

export async function priceVisit(
  elder: ElderDoc,
  item: ServiceItemDoc,
  day: string,
  hours?: number,
): Promise<{ pricing: Pricing; units: number }> {
  if (hours !== undefined && item.unit !== 'hour')
    throw validationFailed({ hours: '按次收费的项目不能选择小时数' });
  const units = chargedUnits(item.unit, item.durationMin, hours);
  const community = await Community.findById(objectIdOrNull(elder.communityId)).lean<{ district?: string }>();
  try {
    const pricing = computeServicePricing({
      elder: { birthDate: elder.birthDate, groups: elder.groups ?? [], careLevel: elder.careLevel ?? null },
      district: community?.district ?? null,
      date: day,
      category: item.category,
      items: [{ dishId: String(item._id), name: item.name, price: item.price, qty: units }],
      rules: await activeRules(),
    });
    return { pricing, units };
  } catch (err) {
    if (err instanceof RangeError)
      throw new AppError(409, 'PRICING_UNAVAILABLE', `无法计算价格：${err.message}`);
    throw err;
  }
}

/** A retired (停用) item takes no new bookings. */
export function assertItemOffered(item: ServiceItemDoc): void {
  if (item.retired) throw conflict('ITEM_RETIRED', `「${item.name}」已停用，不能再预约`);
}

export async function quoteVisit(actor: Actor, input: ServiceQuoteInput, now: Date) {
  const elder = await loadElderFor(actor, input.elderId);
  assertBookable(elder);
  const item = await findItem(input.itemId);
  assertItemOffered(item);
  const at = new Date(input.scheduledAt);
  if (at.getTime() < now.getTime() - 60_000) throw validationFailed({ scheduledAt: '预约时间不能早于现在' });
  const day = chinaDate(at);
  return { elder, item, at, day, ...(await priceVisit(elder, item, day, input.hours)) };
}

type VisitInput = ServiceQuoteInput & { address?: string; notes?: string; packageId?: string };

/**
 * Books a visit; with an Idempotency-Key, once per (caller, key) like meal orders: the key
 * document names the visit id first, a repeat returns that visit (`replayed`), a failed
 * attempt frees the key, and one left `pending` by a crash is freed by the recovery sweep.
 */
export async function createVisit(
  actor: Actor,
  input: VisitInput,
  now: Date,
  key?: string,
): Promise<{ visit: ServiceOrderDoc; replayed: boolean }> {
  if (!['elder', 'family', 'worker', 'admin'].includes(actor.role)) throw forbidden();
  if (!key)
    return { visit: await bookVisit(actor, input, now, new mongoose.Types.ObjectId()), replayed: false };
  const { result: visit, replayed } = await oncePerKey({
    keyId: `service:${actor.id}:${key}`,
    requestHash: createHash('sha256').update(JSON.stringify(input)).digest('hex'),
    journal: { kind: 'service' },
    find: (id) => ServiceOrder.findById(id).lean<ServiceOrderDoc>().exec(),
    create: (visitId) => bookVisit(actor, input, now, visitId),
    messages: {
      reused: '这个 Idempotency-Key 已用于另一个不同的预约',
      inProgress: '相同的预约正在处理中，请稍后刷新',
    },
  });
  return { visit, replayed };
}

async function bookVisit(
  actor: Actor,
  input: VisitInput,
  now: Date,
  visitId: mongoose.Types.ObjectId,
): Promise<ServiceOrderDoc> {
  const q = await quoteVisit(actor, input, now);
  const createdDay = chinaDate(now);
  // 用套餐: one visit drawn from the elder's package of the visit's month, given back if the
  // booking then fails (a crash in between: packages/service.ts `recoverDraws`).
  const drawn = input.packageId
    ? await drawVisit(input.elderId, input.packageId, String(q.item._id), chinaMonth(q.at), String(visitId))
    : null;
  let doc;
  try {
    doc = await createVisitDoc(actor, input, now, visitId, q, createdDay, drawn);
  } catch (err) {
    if (drawn) await giveBack(drawn._id, String(visitId)).catch(() => undefined);
    throw err;
  }
  if (drawn && !(await finishDraw(drawn._id, String(visitId)))) {
    // Stalled past the recovery grace, which gave the draw back: no visit without its draw.
    await ServiceOrder.deleteOne({ _id: visitId });
    throw conflict('BUSY', '系统繁忙，预约没有成功，请再试一次');
  }
  await bumpCounters(q.elder.communityId, createdDay, { inc: serviceStatusChange(null, 'requested') });
  return doc.toObject();
}

function createVisitDoc(
  actor: Actor,
  input: VisitInput,
  now: Date,
  visitId: mongoose.Types.ObjectId,
  q: Awaited<ReturnType<typeof quoteVisit>>,
  createdDay: string,
  drawn: Awaited<ReturnType<typeof drawVisit>> | null,
) {
  return ServiceOrder.create({
    _id: visitId,
    elderId: input.elderId,
    elderName: q.elder.name,
    communityId: q.elder.communityId,
    item: {
      id: String(q.item._id),
      category: q.item.category,
      name: q.item.name,
      price: q.item.price,
      unit: q.item.unit,
      durationMin: q.item.durationMin,
    },
    units: q.units,
    scheduledAt: q.at,
    day: q.day,
    createdDay,
    address: input.address ?? q.elder.address,
    ...(input.notes ? { notes: input.notes } : {}),
    pricing: drawn ? coveredByPackage(q.pricing, drawn) : q.pricing,
    ...(drawn ? { elderPackageId: drawn._id } : {}),
    status: 'requested',
    bookedBy: whoOf(actor),
    timeline: [{ status: 'requested', action: 'request', at: now, by: whoOf(actor) }],
  });
}

/** `M月D日 HH:mm` China time, for the words of a refusal. */
function chinaClock(at: Date): string {
  const c = new Date(at.getTime() + 8 * 3600_000);
  const hm = `${String(c.getUTCHours()).padStart(2, '0')}:${String(c.getUTCMinutes()).padStart(2, '0')}`;
  return `${c.getUTCMonth() + 1}月${c.getUTCDate()}日 ${hm}`;
}

/** 409 with words when `now` is outside the check-in window around the scheduled time. */
export function assertCheckInWindow(order: ServiceOrderDoc, now: Date): void {
  const at = new Date(order.scheduledAt);
  const off = checkInWindow(at, now);
  if (off === 'early')
    throw conflict(
      'CHECK_IN_TOO_EARLY',
      `还没到服务时间：预约 ${chinaClock(at)}，最早 ${chinaClock(new Date(at.getTime() - CHECK_IN_EARLIEST_MS))} 才能签到`,
    );
  if (off === 'late')
    throw conflict(
      'CHECK_IN_TOO_LATE',
      `已超过签到时间：预约 ${chinaClock(at)}，最晚 ${chinaClock(new Date(at.getTime() + CHECK_IN_LATEST_MS))} 签到，请联系社区改约`,
    );
}

/** The visit if the caller may see it: a provider only the visits dispatched to them. */
export async function loadVisitFor(actor: Actor, id: string): Promise<ServiceOrderDoc> {
  const oid = objectIdOrNull(id);
  const order = oid && (await ServiceOrder.findById(oid).lean<ServiceOrderDoc>());
  if (!order) throw notFound('服务订单');
  const visible =
    actor.role === 'provider'
      ? order.provider?.userId === actor.id
      : await mayActForElder(actor, {
          _id: new mongoose.Types.ObjectId(order.elderId),
          communityId: order.communityId,
        });
  if (!visible) throw notFound('服务订单');
  return order;
}

/**
 * One step of the state machine: role check (403), then one conditional write from the
 * legal states (409 naming the current state when it fails or someone else won).
 */
export async function step(
  actor: Actor,
  order: ServiceOrderDoc,
  action: ServiceAction,
  now: Date,
  set: Record<string, unknown> = {},
  note?: string,
  unset: string[] = [],
): Promise<ServiceOrderDoc> {
  if (!ACTION_ROLES[action].includes(actor.role)) {
    throw forbidden(`${SERVICE_ACTION_NAMES[action]}不是您的操作`);
  }
  const to = nextStatus(order.status, action);
  if (!to) {
    throw conflict(
      'WRONG_STATE',
      `服务订单${SERVICE_STATUS_NAMES[order.status]}，不能${SERVICE_ACTION_NAMES[action]}`,
    );
  }
  const updated = await applyTransition<ServiceOrderDoc, ServiceStatus, ServiceAction>(
    ServiceOrder,
    String(order._id),
    SERVICE_MACHINE,
    action,
    {
      set,
      unset,
      push: { timeline: { status: to, action, at: now, by: whoOf(actor), ...(note ? { note } : {}) } },
    },
  );
  if (!updated) {
    const current = await ServiceOrder.findById(order._id).lean<ServiceOrderDoc>();
    throw conflict(
      'WRONG_STATE',
      `服务订单已${current ? SERVICE_STATUS_NAMES[current.status].replace(/^已/, '') : '变更'}，不能再${SERVICE_ACTION_NAMES[action]}（可能有人刚刚操作过）`,
    );
  }
  await bumpCounters(order.communityId, order.createdDay, {
    inc: countedChange(order, updated),
  });
  return updated;
}

/** The figures' change when a visit moves from `before` to `after` (status or review). */
export function countedChange(
  before: ServiceOrderDoc | null,
  after: ServiceOrderDoc,
): Record<string, number> {
  const from = before && counterStatus(before.status, before.review?.state);
  const to = counterStatus(after.status, after.review?.state);
  return from === to ? {} : serviceStatusChange(from, to);
}

/**
 * For the provider the visit is dispatched to: the elder's phone (whole, to call) and diet
 * notes, read from the elder record by _id (one look-up per elder).
 */
export async function withElderContact<V extends { elderId: string }>(actor: Actor, views: V[]) {
  if (actor.role !== 'provider') return views;
  const ids = [...new Set(views.map((v) => v.elderId))];
  const elders = new Map(
    await Promise.all(
      ids.map(async (id) => [id, await Elder.findById(objectIdOrNull(id)).lean<ElderDoc>()] as const),
    ),
  );
  return views.map((v) => {
    const e = elders.get(v.elderId);
    return {
      ...v,
      ...(e?.phone ? { elderPhone: e.phone } : {}),
      ...(e?.diet?.length ? { elderDiet: e.diet } : {}),
    };
  });
}

export function visitView(o: ServiceOrderDoc) {
  const iso = (d?: Date) => (d ? new Date(d).toISOString() : undefined);
  return {
    id: String(o._id),
    elderId: o.elderId,
    elderName: o.elderName,
    communityId: o.communityId,
    item: o.item,
    units: o.units,
    scheduledAt: iso(o.scheduledAt),
    day: o.day,
    address: o.address,
    ...(o.notes ? { notes: o.notes } : {}),
    pricing: o.pricing,
    ...(o.elderPackageId ? { elderPackageId: o.elderPackageId } : {}),
    status: o.status,
    statusName: SERVICE_STATUS_NAMES[o.status],
    ...(o.provider ? { provider: o.provider } : {}),
    bookedBy: o.bookedBy,
    timeline: o.timeline.map((t) => ({
      status: t.status,
      action: t.action,
      at: iso(t.at),
      by: t.by,
      ...(t.note ? { note: t.note } : {}),
    })),
    ...(o.checkIn ? { checkIn: { ...o.checkIn, at: iso(o.checkIn.at) } } : {}),
    ...(o.checkOut ? { checkOut: { ...o.checkOut, at: iso(o.checkOut.at) } } : {}),
    ...(o.checkOut ? { durationMin: o.checkOut.durationMin } : {}),
    ...(o.rating ? { rating: { ...o.rating, at: iso(o.rating.at) } } : {}),
    ...(o.followUp ? { followUp: { ...o.followUp, at: iso(o.followUp.at) } } : {}),
    ...(o.review
      ? {
          review: {
            ...o.review,
            at: iso(o.review.at),
            stateName: REVIEW_STATE_NAMES[o.review.state],
          },
        }
      : {}),
    /** whether the visit may be charged: not while under review, never when rejected */
    billable: ['completed', 'rated', 'followed_up'].includes(o.status) && countsAsServed(o.review?.state),
    createdAt: iso(o.createdAt),
  };
}
