import {
  addDays,
  CareCallBodySchema,
  CareCallsQuerySchema,
  CarePlanBodySchema,
  CarePlansQuerySchema,
  CareSummaryQuerySchema,
  chinaDate,
  IdParamsSchema,
} from '@yiyangtong/shared';
import { validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import {
  callsOn,
  communityOf,
  endPlan,
  loadPlanFor,
  planView,
  plansOf,
  recordCall,
  savePlan,
  SUMMARY_MAX_DAYS,
  summaryOf,
} from './service';

const COMMUNITY_RULE = { communityId: '管理员须指定社区；助老员只能看本社区' } as const;

export function careRoutes(api: Api, clock: () => Date): void {
  api.add({
    method: 'post',
    path: '/api/care-plans',
    tag: 'care',
    summary:
      '把长者加入主动关怀（本社区助老员、管理员）：每周哪几天打电话（1=周一…7=周日，七天都选即每天）；已在计划中则修改（200）',
    access: ['worker', 'admin'],
    otherStatuses: [200, 404, 409],
    body: CarePlanBodySchema,
    status: 201,
    handler: async ({ body, actor, setStatus }) => {
      const { plan, created } = await savePlan(actor, body, clock());
      if (!created) setStatus(200);
      return planView(plan);
    },
  });

  api.add({
    method: 'get',
    path: '/api/care-plans',
    tag: 'care',
    summary: '本社区的主动关怀计划，和建议加入的长者（独居、中重度失能，尚未加入）',
    access: ['worker', 'admin'],
    rules: COMMUNITY_RULE,
    otherStatuses: [404],
    query: CarePlansQuerySchema,
    handler: async ({ query, actor }) => plansOf(communityOf(actor, query.communityId)),
  });

  api.add({
    method: 'get',
    path: '/api/care-plans/:id',
    tag: 'care',
    summary: '一位长者的关怀计划（编号即长者编号）',
    access: ['worker', 'admin'],
    params: IdParamsSchema,
    handler: async ({ params, actor }) => planView(await loadPlanFor(actor, params.id)),
  });

  api.add({
    method: 'delete',
    path: '/api/care-plans/:id',
    tag: 'care',
    summary: '结束一位长者的主动关怀（从今天起不再列入）；已结束 → 409',
    access: ['worker', 'admin'],
    otherStatuses: [409],
    params: IdParamsSchema,
    handler: async ({ params, actor }) => planView(await endPlan(actor, params.id, clock())),
  });

  api.add({
    method: 'get',
    path: '/api/care-calls',
    tag: 'care',
    summary:
      '某天（默认今天）的关怀电话：待打 due、已打 done（结果）、过了当天未打 missed；含长者完整手机号（仅助老员、管理员）',
    access: ['worker', 'admin'],
    rules: COMMUNITY_RULE,
    otherStatuses: [404],
    query: CareCallsQuerySchema,
    handler: async ({ query, actor }) => {
      const communityId = communityOf(actor, query.communityId);
      const today = chinaDate(clock());
      return callsOn(communityId, query.date ?? today, today);
    },
  });

  api.add({
    method: 'post',
    path: '/api/care-calls',
    tag: 'care',
    summary:
      '记录一次关怀电话：平安 well、身体不适 unwell、未接通 no_answer。身体不适，或连续第二次未接通，发出一条紧急呼叫（source care_call）并通知家属和社区',
    access: ['worker', 'admin'],
    otherStatuses: [404, 409],
    body: CareCallBodySchema,
    status: 201,
    handler: async ({ body, actor }) => recordCall(actor, body, clock()),
  });

  api.add({
    method: 'get',
    path: '/api/care-calls/summary',
    tag: 'care',
    summary: '主动关怀统计（一段日期，最长 92 天）：应打、已打、接通、未接通、转为紧急呼叫、漏打',
    access: ['worker', 'admin'],
    rules: { ...COMMUNITY_RULE, to: `不早于 from，且最长 ${SUMMARY_MAX_DAYS} 天` },
    otherStatuses: [404],
    query: CareSummaryQuerySchema,
    handler: async ({ query, actor }) => {
      const communityId = communityOf(actor, query.communityId);
      if (query.to < query.from) throw validationFailed({ to: '结束日期不能早于开始日期' });
      if (query.to > addDays(query.from, SUMMARY_MAX_DAYS - 1))
        throw validationFailed({ to: `一次最多统计 ${SUMMARY_MAX_DAYS} 天` });
      return summaryOf(communityId, query.from, query.to, chinaDate(clock()));
    },
  });
}
