/**
 * What keeps a visit honest before it is billed, and the ways back: a provider declines a
 * dispatched visit (it is `requested` again, with the reason, for the desk); the elder's side
 * cancels before check-in (the provider is told); a worker reviews an exceptional visit
 * (far check-in, too short) — until approved it is neither served in the figures nor billed.
 */
import {
  DeclineBodySchema,
  IdParamsSchema,
  NotesBodySchema,
  ReviewBodySchema,
  ReviewsQuerySchema,
} from '@yiyangtong/shared';
import { validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import { ServiceOrder, type ServiceOrderDoc } from './model';
import { visitView } from './service';
import { cancelVisit, declineVisit, reviewVisit } from './visit-steps';

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
    handler: async ({ params, body, actor }) =>
      visitView(await cancelVisit(actor, params.id, clock(), body.notes)),
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
    handler: async ({ params, body, actor }) =>
      visitView(await declineVisit(actor, params.id, body.reason, clock())),
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
    handler: async ({ params, body, actor }) => visitView(await reviewVisit(actor, params.id, body, clock())),
  });
}
