import { FollowUpSettingsBodySchema, FollowUpsQuerySchema } from '@yiyangtong/shared';
import { recordAudit } from '../audit/record';
import { forbidden } from '../core/errors';
import type { Api } from '../core/route';
import { ServiceOrder, type ServiceOrderDoc } from '../services/model';
import { visitView, whoOf } from '../services/service';
import { FollowUpTask, type FollowUpTaskDoc } from './model';
import { sampleShare, setSampleShare } from './service';
import { objectIdOrNull } from '../db/ids';

/** Open tasks are the desk's work in hand (bounded by what workers have not done yet). */
const LIST_LIMIT = 500;

function taskView(task: FollowUpTaskDoc, visit: ServiceOrderDoc | undefined) {
  return {
    id: task._id,
    serviceOrderId: task._id,
    communityId: task.communityId,
    elderId: task.elderId,
    elderName: task.elderName,
    itemName: task.itemName,
    ...(task.providerName ? { providerName: task.providerName } : {}),
    reasons: task.reasons,
    ...(task.ratingScore !== undefined ? { ratingScore: task.ratingScore } : {}),
    status: task.status,
    createdAt: new Date(task.createdAt).toISOString(),
    ...(task.done ? { done: { ...task.done, at: new Date(task.done.at).toISOString() } } : {}),
    ...(visit ? { visit: visitView(visit) } : {}),
  };
}

export function followUpRoutes(api: Api, clock: () => Date): void {
  api.add({
    method: 'get',
    path: '/api/follow-ups',
    tag: 'services',
    summary:
      '回访任务（助老员：本社区；管理员：全区或指定社区）：评分 3 分及以下的服务和随机抽查的已完成服务，最新的在前',
    access: ['worker', 'admin'],
    query: FollowUpsQuerySchema,
    handler: async ({ query, actor }) => {
      if (
        actor.role === 'worker' &&
        (!actor.communityId || (query.communityId && query.communityId !== actor.communityId))
      )
        throw forbidden();
      const communityId = actor.role === 'worker' ? actor.communityId : query.communityId;
      const filter = communityId ? { communityId, status: query.status } : { status: query.status };
      // No sort pushed down on FerretDB: read the open tasks and put the newest first here.
      const tasks = (await FollowUpTask.find(filter).limit(LIST_LIMIT).lean<FollowUpTaskDoc[]>()).sort(
        (a, b) => new Date(b.createdAt).getTime() - new Date(a.createdAt).getTime(),
      );
      const visits = await Promise.all(
        tasks.map((t) => ServiceOrder.findById(objectIdOrNull(t._id)).lean<ServiceOrderDoc>()),
      );
      return { items: tasks.map((t, i) => taskView(t, visits[i] ?? undefined)) };
    },
  });

  api.add({
    method: 'get',
    path: '/api/follow-ups/settings',
    tag: 'services',
    summary: '回访抽查比例（已完成的上门服务中随机抽取回访的比例，默认 10%）',
    access: ['worker', 'admin'],
    handler: async () => ({ sampleShare: await sampleShare() }),
  });

  api.add({
    method: 'put',
    path: '/api/follow-ups/settings',
    tag: 'services',
    summary: '设置回访抽查比例（管理员），0–1',
    access: ['admin'],
    body: FollowUpSettingsBodySchema,
    handler: async ({ body, actor }) => {
      const now = clock();
      const before = await setSampleShare(body.sampleShare, whoOf(actor), now);
      await recordAudit(
        actor,
        {
          action: 'setting.follow_up_share',
          targetType: 'setting',
          targetId: 'follow_up_sampling',
          changes: [{ field: 'sampleShare', before, after: body.sampleShare }],
        },
        now,
      );
      return { sampleShare: body.sampleShare };
    },
  });
}
