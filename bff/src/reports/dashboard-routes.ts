import { ProviderReportQuerySchema, ReportRangeQuerySchema, TrendsQuerySchema } from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { forbidden, validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import { communities, funders, trends } from './dashboard';
import { providerReport } from './providers';

const RANGE_RULE = { 'query.to': '不早于 from，且区间最长一年' };

/** The community a caller's figures are limited to (a worker: their own), after the summary's range check. */
function scopeOf(
  actor: Actor,
  query: { from: string; to: string; communityId?: string },
): string | undefined {
  // Years are four digits: '0412' + 1 must read '0413', or any range would pass.
  if (query.to > `${String(Number(query.from.slice(0, 4)) + 1).padStart(4, '0')}${query.from.slice(4)}`)
    throw validationFailed({ 'query.to': '统计区间最长一年' });
  if (actor.role !== 'worker') return query.communityId;
  if (!actor.communityId || (query.communityId && query.communityId !== actor.communityId)) throw forbidden();
  return actor.communityId;
}

export function dashboardRoutes(api: Api): void {
  api.add({
    method: 'get',
    path: '/api/reports/trends',
    tag: 'reports',
    summary:
      '趋势：按日或按周（周一起）的助餐、补贴、上门服务、服务时长、满意度、紧急呼叫与响应用时中位数，按用餐日期统计（管理员：全区；助老员：本社区）',
    access: ['admin', 'worker'],
    rules: RANGE_RULE,
    query: TrendsQuerySchema,
    handler: async ({ query, actor }) => trends(query.from, query.to, query.by, scopeOf(actor, query)),
  });

  api.add({
    method: 'get',
    path: '/api/reports/communities',
    tag: 'reports',
    summary: '各社区并列的统计数字与全区合计，按用餐日期统计（管理员：全区；助老员：本社区）',
    access: ['admin', 'worker'],
    rules: RANGE_RULE,
    query: ReportRangeQuerySchema,
    handler: async ({ query, actor }) => communities(query.from, query.to, scopeOf(actor, query)),
  });

  api.add({
    method: 'get',
    path: '/api/reports/funders',
    tag: 'reports',
    summary: '助餐补贴按出资方（政府/食堂）的金额，按用餐日期统计（管理员：全区；助老员：本社区）',
    access: ['admin', 'worker'],
    rules: RANGE_RULE,
    query: ReportRangeQuerySchema,
    handler: async ({ query, actor }) => funders(query.from, query.to, scopeOf(actor, query)),
  });

  api.add({
    method: 'get',
    path: '/api/reports/providers',
    tag: 'reports',
    summary:
      '服务质量：各服务人员在区间内（按预约日期）的服务次数、完成数、准时签到率（预约时间前后 15 分钟内）、平均评分、2 分及以下差评、回访满意数、远离住址签到数，按质量排名（管理员：全区或指定社区；助老员：本社区）',
    access: ['admin', 'worker'],
    rules: RANGE_RULE,
    query: ProviderReportQuerySchema,
    handler: async ({ query, actor }) => providerReport(query.from, query.to, scopeOf(actor, query)),
  });
}
