/**
 * What keeps a visit honest before it is billed, and the ways back: a provider declines a
 * dispatched visit (it is `requested` again, with the reason, for the desk); the elder's side
 * cancels before check-in (the provider is told); a worker reviews an exceptional visit
 * (far check-in, too short) — until approved it is neither served in the figures nor billed.
 */
import { sampleCompletedVisit } from '../follow-ups/service';
import {
  DeclineBodySchema,
  IdParamsSchema,
  NotesBodySchema,
  ReviewBodySchema,
  ReviewsQuerySchema,
} from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { conflict, forbidden, validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import { recordAudit } from '../audit/record';
import { conditionalUpdate } from '../db/write-lock';
import { notify } from '../notifications/notifier';
import { communityWorkers } from '../notifications/recipients';
import { finishGiveBack } from '../packages/service';
import { bumpCounters } from '../reports/counters';
import { ServiceOrder, type ServiceOrderDoc } from './model';
import { countedChange, loadVisitFor, step, visitView, whoOf } from './service';

export function visitCheckRoutes(api: Api, clock: () => Date): void {
  api.add({
    method: 'post',
    path: '/api/service-orders/:id/cancel',
    tag: 'services',
    summary: '取消服务订单（长者、家属、本社区助老员、管理员；签到前），已派单的服务人员会收到通知',
    access: 'signed_in',
    otherStatuses: [409],
    params: IdParamsSchema,
    body: NotesBodySchema,
    handler: async ({ params, body, actor }) => {
      const order = await loadVisitFor(actor, params.id);
      // Booked 用套餐: the visit goes back to the package (once; a provider's decline keeps it),
      // marked in the cancel's own update so a crash in between is finished by the sweep.
      const mark = order.elderPackageId ? { packageGiveBack: true } : {};
      const updated = await step(actor, order, 'cancel', clock(), mark, body.notes);
      if (order.elderPackageId) await finishGiveBack(updated);
      await recordAudit(actor, {
        action: 'service_order.cancel',
        targetType: 'service_order',
        targetId: params.id,
        communityId: order.communityId,
        changes: [{ field: 'status', before: order.status, after: 'cancelled' }],
        reason: body.notes,
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
      return visitView(updated);
    },
  });

  api.add({
    method: 'post',
    path: '/api/service-orders/:id/decline',
    tag: 'services',
    summary: '服务人员退回派给自己的服务（写明原因）：回到待派单，由社区重新派单',
    access: ['provider'],
    otherStatuses: [404, 409],
    params: IdParamsSchema,
    body: DeclineBodySchema,
    handler: async ({ params, body, actor }) => {
      const order = await loadVisitFor(actor, params.id);
      const updated = await step(actor, order, 'decline', clock(), {}, body.reason, [
        'provider',
        'providerUserId',
      ]);
      await notify(
        (await communityWorkers(order.communityId)).map((userId) => ({
          userId,
          kind: 'visit_declined' as const,
          title: '服务人员退回了上门服务，请重新派单',
          body: `${order.item.name}：${order.elderName}，${order.day}。${actor.name}：${body.reason}`,
          refType: 'service_order' as const,
          refId: String(order._id),
        })),
      );
      return visitView(updated);
    },
  });

  api.add({
    method: 'get',
    path: '/api/service-reviews',
    tag: 'services',
    summary: '待审核的上门服务（签到离家太远或服务时间太短）：助老员看本社区，管理员指定社区',
    access: ['worker', 'admin'],
    rules: { communityId: '管理员必须指定社区' },
    query: ReviewsQuerySchema,
    handler: async ({ query, actor }) => {
      const communityId = actor.role === 'worker' ? actor.communityId : query.communityId;
      if (!communityId) throw validationFailed({ communityId: '请指定社区' });
      const docs = await ServiceOrder.find({ reviewCommunity: communityId })
        .limit(200)
        .lean<ServiceOrderDoc[]>();
      docs.sort((a, b) => (String(a._id) < String(b._id) ? -1 : 1));
      return { items: docs.map(visitView) };
    },
  });

  api.add({
    method: 'post',
    path: '/api/service-orders/:id/review',
    tag: 'services',
    summary: '审核异常的上门服务（本社区助老员、管理员）：通过才计入服务人次、时长并结算；不通过不结算',
    access: ['worker', 'admin'],
    otherStatuses: [404, 409],
    rules: { notes: '不通过时必须写明原因' },
    params: IdParamsSchema,
    body: ReviewBodySchema,
    handler: async ({ params, body, actor }) => {
      const order = await loadVisitFor(actor, params.id);
      assertOwnCommunity(actor, order);
      if (!body.approve && !body.notes) throw validationFailed({ notes: '不通过时请写明原因' });
      const now = clock();
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
      return visitView(updated);
    },
  });
}

function assertOwnCommunity(actor: Actor, order: ServiceOrderDoc): void {
  if (actor.role === 'worker' && actor.communityId !== order.communityId) throw forbidden();
}
