import {
  CancelSosBodySchema,
  IdParamsSchema,
  RaiseSosBodySchema,
  ResolveSosBodySchema,
  SosQuerySchema,
  type AlarmSource,
} from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import type { Api } from '../core/route';
import { loadElderFor } from '../elders/access';
import { FamilyLink } from '../elders/model';
import { Sos, type SosDoc, type SosStatus } from './model';
import {
  isOverdue,
  ackSos,
  cancelSos,
  eldersById,
  loadSosFor,
  raiseSos,
  resolveSos,
  sosView,
  workersByCommunity,
} from './service';

const ORDER: SosStatus[] = ['open', 'acknowledged', 'resolved', 'cancelled'];

/**
 * Equality queries only: {communityId, status} / {status} / {elderId}. Live alarms before
 * closed ones; among the open, the overdue (5 minutes without a response) first; newest first
 * within each group. Every source (the elder's key, care calls, couriers) in one list.
 */
async function listSos(
  actor: Actor,
  q: { status?: SosStatus; elderId?: string; source?: AlarmSource },
  now: Date,
): Promise<SosDoc[]> {
  const statuses = q.status ? [q.status] : ORDER;
  const find = (filter: Record<string, unknown>, limit: number) =>
    Sos.find(filter).sort({ _id: -1 }).limit(limit).lean<SosDoc[]>();
  let docs: SosDoc[] = [];
  if (q.elderId || actor.role === 'elder' || actor.role === 'family') {
    const elderIds = q.elderId
      ? [q.elderId]
      : actor.role === 'elder'
        ? [actor.elderId ?? '']
        : (await FamilyLink.find({ familyUserId: actor.id }).limit(50).lean()).map((l) => l.elderId);
    docs = (await Promise.all(elderIds.filter(Boolean).map((elderId) => find({ elderId }, 50)))).flat();
  } else if (actor.role === 'worker' && actor.communityId) {
    for (const status of statuses)
      docs.push(...(await find({ communityId: actor.communityId, status }, 100)));
  } else if (actor.role === 'admin') {
    for (const status of statuses) docs.push(...(await find({ status }, 100)));
  }
  const rank = (s: SosDoc) =>
    ORDER.indexOf(s.status) * 2 + (s.status === 'open' && !isOverdue(s, now) ? 1 : 0);
  return docs
    .filter((d) => statuses.includes(d.status) && (!q.source || (d.source ?? 'elder') === q.source))
    .sort((a, b) => rank(a) - rank(b) || new Date(b.raisedAt).getTime() - new Date(a.raisedAt).getTime());
}

export function sosRoutes(api: Api, clock: () => Date): void {
  api.add({
    method: 'post',
    path: '/api/sos',
    tag: 'sos',
    summary: '一键紧急呼叫（长者本人、绑定家属、本社区助老员）；已有未处理的呼叫时返回它（200）',
    access: ['elder', 'family', 'worker', 'admin'],
    otherStatuses: [200, 404, 409],
    body: RaiseSosBodySchema,
    status: 201,
    handler: async ({ body, actor, setStatus }) => {
      const now = clock();
      const { sos, created } = await raiseSos(actor, body, now);
      if (!created) setStatus(200);
      return sosView(sos, actor, now);
    },
  });

  api.add({
    method: 'get',
    path: '/api/sos',
    tag: 'sos',
    summary: '紧急呼叫列表（助老员：本社区，未响应的在前，含住址、饮食/健康情况和紧急联系人电话）',
    access: 'signed_in',
    otherStatuses: [404],
    query: SosQuerySchema,
    handler: async ({ query, actor }) => {
      if (query.elderId) await loadElderFor(actor, query.elderId);
      const now = clock();
      const docs = await listSos(actor, query, now);
      const staff = actor.role === 'worker' || actor.role === 'admin';
      const live = docs.filter((d) => d.status === 'open' || d.status === 'acknowledged');
      const elders = staff ? await eldersById(live.map((d) => d.elderId)) : null;
      // The elder and family see whom to call about a live alarm.
      const workers = staff ? null : await workersByCommunity(live.map((d) => d.communityId));
      return {
        items: docs.map((d) => sosView(d, actor, now, elders?.get(d.elderId), workers?.get(d.communityId))),
      };
    },
  });

  api.add({
    method: 'get',
    path: '/api/sos/:id',
    tag: 'sos',
    summary: '一条紧急呼叫的状态',
    access: 'signed_in',
    params: IdParamsSchema,
    handler: async ({ params, actor }) => {
      const sos = await loadSosFor(actor, params.id);
      const staff = actor.role === 'worker' || actor.role === 'admin';
      const elders = staff ? await eldersById([sos.elderId]) : null;
      const workers = staff ? null : await workersByCommunity([sos.communityId]);
      return sosView(sos, actor, clock(), elders?.get(sos.elderId), workers?.get(sos.communityId));
    },
  });

  api.add({
    method: 'post',
    path: '/api/sos/:id/ack',
    tag: 'sos',
    summary: '响应紧急呼叫（本社区助老员、管理员）；记录响应用时（秒）',
    access: ['worker', 'admin'],
    otherStatuses: [409],
    params: IdParamsSchema,
    handler: async ({ params, actor }) => {
      const now = clock();
      return sosView(await ackSos(actor, params.id, now), actor, now);
    },
  });

  api.add({
    method: 'post',
    path: '/api/sos/:id/resolve',
    tag: 'sos',
    summary:
      '处理完毕（本社区助老员、管理员）：处理结果 outcome（误报、上门处置、送医、其他；可不填）和处理记录；须先响应，否则 409',
    access: ['worker', 'admin'],
    otherStatuses: [409],
    params: IdParamsSchema,
    body: ResolveSosBodySchema,
    handler: async ({ params, body, actor }) => {
      const now = clock();
      return sosView(await resolveSos(actor, params.id, body, now), actor, now);
    },
  });

  api.add({
    method: 'post',
    path: '/api/sos/:id/cancel',
    tag: 'sos',
    summary: '取消误按的紧急呼叫（长者本人、绑定家属、本社区助老员），仅在社区响应之前；已响应或已结束 → 409',
    access: ['elder', 'family', 'worker'],
    otherStatuses: [409],
    params: IdParamsSchema,
    body: CancelSosBodySchema,
    handler: async ({ params, body, actor }) => {
      const now = clock();
      return sosView(await cancelSos(actor, params.id, body.reason, now), actor, now);
    },
  });
}
