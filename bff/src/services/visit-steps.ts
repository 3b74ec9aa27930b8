/**
 * The visit's steps after booking, each one function the route calls: who may, the rules
 * (check-in window and distance, duration and review on check-out), the state machine's step,
 * and what follows it (counters, notices, the package give-back, 回访 sampling and tasks).
 */
import type { z } from 'zod';
import {
  CHECK_IN_MAX_DISTANCE_M,
  chinaDate,
  distanceMetres,
  visitExceptions,
  type CheckInBodySchema,
  type FollowUpBodySchema,
  type RatingBodySchema,
  type ReviewBodySchema,
} from '@yiyangtong/shared';
import { User } from '../accounts/model';
import { recordAudit } from '../audit/record';
import type { Actor } from '../core/auth';
import { conflict, forbidden, validationFailed } from '../core/errors';
import { objectIdOrNull } from '../db/ids';
import { conditionalUpdate } from '../db/write-lock';
import { Elder } from '../elders/model';
import { afterRating, closeTask, sampleCompletedVisit } from '../follow-ups/service';
import { notify } from '../notifications/notifier';
import { communityWorkers, elderAndFamily } from '../notifications/recipients';
import { finishGiveBack } from '../packages/service';
import { bumpCounters } from '../reports/counters';
import { ServiceOrder, type ServiceOrderDoc } from './model';
import { assertCheckInWindow, countedChange, loadVisitFor, step, whoOf } from './service';

/** A worker acts on their own community's visits only (admin on any). */
function assertOwnCommunity(actor: Actor, order: ServiceOrderDoc): void {
  if (actor.role === 'worker' && actor.communityId !== order.communityId) throw forbidden();
}

/** 派单: to a provider (who is told). */
export async function dispatchVisit(actor: Actor, id: string, providerUserId: string, now: Date) {
  const order = await loadVisitFor(actor, id);
  assertOwnCommunity(actor, order);
  const provider = await User.findById(objectIdOrNull(providerUserId)).lean();
  if (!provider || provider.role !== 'provider') throw validationFailed({ providerUserId: '服务人员不存在' });
  const providerRef = { userId: String(provider._id), name: provider.name };
  const updated = await step(
    actor,
    order,
    'dispatch',
    now,
    { provider: providerRef, providerUserId: providerRef.userId },
    provider.name,
  );
  await notify([
    {
      userId: providerRef.userId,
      kind: 'visit_dispatched',
      title: '新的上门服务',
      body: `${updated.item.name}：${updated.elderName}，${updated.day}，${updated.address}`,
      refType: 'service_order',
      refId: String(updated._id),
    },
  ]);
  return updated;
}

/** 接单 / 拒单 by the provider. */
export async function answerDispatch(
  actor: Actor,
  id: string,
  action: 'accept' | 'reject',
  now: Date,
  notes?: string,
) {
  return step(actor, await loadVisitFor(actor, id), action, now, {}, notes);
}

/** 签到: within the window around the booked time; a check-in far from home is marked for review. */
export async function checkInVisit(
  actor: Actor,
  id: string,
  body: z.output<typeof CheckInBodySchema>,
  now: Date,
) {
  const order = await loadVisitFor(actor, id);
  if (order.status === 'accepted') assertCheckInWindow(order, now);
  const home = body.location
    ? (await Elder.findById(objectIdOrNull(order.elderId)).lean())?.location
    : undefined;
  const distanceM = body.location && home ? distanceMetres(home, body.location) : undefined;
  const checkIn = {
    at: now,
    ...(body.location ? { location: body.location } : {}),
    ...(distanceM !== undefined ? { distanceM } : {}),
    farFromHome: distanceM !== undefined && distanceM > CHECK_IN_MAX_DISTANCE_M,
  };
  const note = checkIn.farFromHome ? `签到位置距长者住址 ${distanceM} 米` : undefined;
  return step(actor, order, 'check_in', now, { checkIn }, note);
}

/**
 * 签退: the duration is counted; a far check-in or a visit far shorter than the item is held
 * for a worker's review (not served in the figures, not billed, not sampled until approved).
 * The elder and family are asked to rate it.
 */
export async function checkOutVisit(actor: Actor, id: string, now: Date, notes?: string) {
  const order = await loadVisitFor(actor, id);
  const started = order.checkIn ? new Date(order.checkIn.at).getTime() : now.getTime();
  const durationMin = Math.max(0, Math.round((now.getTime() - started) / 60_000));
  const checkOut = { at: now, durationMin, ...(notes ? { notes } : {}) };
  const reasons = visitExceptions({
    distanceM: order.checkIn?.distanceM,
    durationMin,
    itemDurationMin: order.item.durationMin,
  });
  const review = reasons.length
    ? { review: { state: 'pending', reasons }, reviewCommunity: order.communityId }
    : {};
  const updated = await step(
    actor,
    order,
    'check_out',
    now,
    { checkOut, checkOutDay: chinaDate(now), ...review },
    [notes, reasons.length ? `待社区审核：${reasons.join('；')}` : undefined].filter(Boolean).join('；') ||
      undefined,
  );
  if (!reasons.length) {
    await bumpCounters(order.communityId, chinaDate(now), { inc: { serviceMinutes: durationMin } });
    await sampleCompletedVisit(updated, now);
  }
  await notify(
    (await elderAndFamily(order.elderId)).map((userId) => ({
      userId,
      kind: 'visit_completed' as const,
      title: '上门服务已完成',
      body: `${order.item.name}已完成，用时 ${durationMin} 分钟，请为服务评价`,
      refType: 'service_order' as const,
      refId: String(order._id),
    })),
  );
  return updated;
}

/** 评价 (1–5) by the elder or family: counted; 3 or less becomes a 回访 task. */
export async function rateVisit(
  actor: Actor,
  id: string,
  body: z.output<typeof RatingBodySchema>,
  now: Date,
) {
  const order = await loadVisitFor(actor, id);
  const rating = {
    score: body.score,
    at: now,
    by: whoOf(actor),
    ...(body.comment ? { comment: body.comment } : {}),
  };
  const updated = await step(
    actor,
    order,
    'rate',
    now,
    { rating, ratedDay: chinaDate(now) },
    `${body.score} 分`,
  );
  await bumpCounters(order.communityId, chinaDate(now), {
    inc: { ratings: 1, ratingsGood: body.score >= 4 ? 1 : 0 },
  });
  await afterRating(updated, body.score, now);
  return updated;
}

/** 回访 by a worker: counted, and the visit's follow-up task (if any) is done. */
export async function followUpVisit(
  actor: Actor,
  id: string,
  body: z.output<typeof FollowUpBodySchema>,
  now: Date,
) {
  const order = await loadVisitFor(actor, id);
  const followUp = {
    satisfied: body.satisfied,
    at: now,
    by: whoOf(actor),
    ...(body.notes ? { notes: body.notes } : {}),
  };
  const note = `${body.satisfied ? '满意' : '不满意'}${body.notes ? `：${body.notes}` : ''}`;
  const updated = await step(actor, order, 'follow_up', now, { followUp, followUpDay: chinaDate(now) }, note);
  await bumpCounters(order.communityId, chinaDate(now), {
    inc: { followUps: 1, followUpsSatisfied: body.satisfied ? 1 : 0 },
  });
  await closeTask(updated, followUp);
  return updated;
}

/**
 * 取消 before check-in (elder, family, worker, admin): audited; booked 用套餐, the visit goes back
 * to the package (marked in the cancel's own update, so a crash in between is finished by the
 * sweep); the dispatched provider is told.
 */
export async function cancelVisit(actor: Actor, id: string, now: Date, notes?: string) {
  const order = await loadVisitFor(actor, id);
  const mark = order.elderPackageId ? { packageGiveBack: true } : {};
  const updated = await step(actor, order, 'cancel', now, mark, notes);
  if (order.elderPackageId) await finishGiveBack(updated);
  await recordAudit(actor, {
    action: 'service_order.cancel',
    targetType: 'service_order',
    targetId: id,
    communityId: order.communityId,
    changes: [{ field: 'status', before: order.status, after: 'cancelled' }],
    reason: notes,
  });
  if (order.provider)
    await notify([
      {
        userId: order.provider.userId,
        kind: 'visit_cancelled',
        title: '上门服务已取消',
        body: `${order.item.name}：${order.elderName}，${order.day}，已由${actor.name}取消，不用上门了`,
        refType: 'service_order',
        refId: String(order._id),
      },
    ]);
  return updated;
}

/** 退回 by the provider, with the reason: requested again, the community's workers told. */
export async function declineVisit(actor: Actor, id: string, reason: string, now: Date) {
  const order = await loadVisitFor(actor, id);
  const updated = await step(actor, order, 'decline', now, {}, reason, ['provider', 'providerUserId']);
  await notify(
    (await communityWorkers(order.communityId)).map((userId) => ({
      userId,
      kind: 'visit_declined' as const,
      title: '服务人员退回了上门服务，请重新派单',
      body: `${order.item.name}：${order.elderName}，${order.day}。${actor.name}：${reason}`,
      refType: 'service_order' as const,
      refId: String(order._id),
    })),
  );
  return updated;
}

/**
 * 审核 an exceptional visit (the community's worker, admin): approved, it is served in the
 * figures, its minutes counted and it may be sampled for 回访; rejected (with a reason), never billed.
 */
export async function reviewVisit(
  actor: Actor,
  id: string,
  body: z.output<typeof ReviewBodySchema>,
  now: Date,
) {
  const order = await loadVisitFor(actor, id);
  assertOwnCommunity(actor, order);
  if (!body.approve && !body.notes) throw validationFailed({ notes: '不通过时请写明原因' });
  const state = body.approve ? 'approved' : 'rejected';
  const review = {
    ...order.review,
    state,
    by: whoOf(actor),
    at: now,
    ...(body.notes ? { notes: body.notes } : {}),
  };
  const updated = await conditionalUpdate<ServiceOrderDoc>(
    ServiceOrder,
    String(order._id),
    { reviewCommunity: order.communityId },
    {
      $set: { review },
      $unset: { reviewCommunity: 1 },
      $push: {
        timeline: {
          status: order.status,
          action: 'review',
          at: now,
          by: whoOf(actor),
          note: `${body.approve ? '审核通过' : '审核不通过'}${body.notes ? `：${body.notes}` : ''}`,
        },
      },
    },
  );
  if (!updated) throw conflict('NOT_UNDER_REVIEW', '这次服务不在待审核中（可能已有人审核过）');
  await bumpCounters(order.communityId, order.createdDay, { inc: countedChange(order, updated) });
  if (body.approve && updated.checkOut && updated.checkOutDay) {
    await bumpCounters(order.communityId, updated.checkOutDay, {
      inc: { serviceMinutes: updated.checkOut.durationMin },
    });
    await sampleCompletedVisit(updated, now);
  }
  return updated;
}
