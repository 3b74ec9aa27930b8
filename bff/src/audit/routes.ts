import { stringify } from 'csv-stringify/sync';
import {
  AUDIT_ACTION_LABELS,
  AUDIT_TARGET_LABELS,
  AuditCsvQuerySchema,
  AuditPageSchema,
  AuditQuerySchema,
  chinaDateTime,
  ROLE_NAMES,
  type AuditChange,
  type Role,
} from '@yiyangtong/shared';
import type { Api } from '../core/route';
import { AUDIT_PAGE_SIZE, auditView, findAudit } from './queries';

/** The most rows one CSV carries: a narrower filter gives the rest. */
export const AUDIT_CSV_MAX_ROWS = 10_000;

const describe = (v: unknown) =>
  v === undefined || v === null ? '（空）' : typeof v === 'string' ? v : JSON.stringify(v);
const changeText = (changes: AuditChange[] = []) =>
  changes.map((c) => `${c.field}: ${describe(c.before)} → ${describe(c.after)}`).join('；');

const AUDIT_FILTER_RULES = {
  'query.from':
    '不晚于 to；范围最多 366 天；不按 targetId 或 actorId 筛选时最多 31 天（不填：最近 31 天，筛选时最近 366 天）',
  'query.targetType': '按 targetId 查时必填',
};

export function auditRoutes(api: Api): void {
  api.add({
    method: 'get',
    path: '/api/audit',
    tag: 'audit',
    summary: '操作日志：谁在何时改了什么（管理员；助老员只看本社区长者的记录），新的在前，每页 50 条',
    access: ['admin', 'worker'],
    otherStatuses: [404],
    rules: { ...AUDIT_FILTER_RULES, 'query.before': '上一页的 nextBefore' },
    query: AuditQuerySchema,
    response: AuditPageSchema,
    handler: async ({ query, actor }) => {
      const { items, more } = await findAudit(actor, query, AUDIT_PAGE_SIZE);
      const views = items.map(auditView);
      return { items: views, ...(more ? { nextBefore: views[views.length - 1].id } : {}) };
    },
  });

  api.add({
    method: 'get',
    path: '/api/audit.csv',
    tag: 'audit',
    summary: `操作日志导出为 CSV（筛选同上；最多 ${AUDIT_CSV_MAX_ROWS} 行，Excel 可直接打开）`,
    access: ['admin', 'worker'],
    rules: AUDIT_FILTER_RULES,
    query: AuditCsvQuerySchema,
    produces: {
      type: 'text/csv',
      filename: ({ query }) =>
        `操作日志${query.from ? `_${query.from}` : ''}${query.to ? `_${query.to}` : ''}.csv`,
    },
    handler: async ({ query, actor }) => {
      const { items } = await findAudit(actor, query, AUDIT_CSV_MAX_ROWS);
      const rows = items.map((d) => [
        chinaDateTime(d.at),
        d.actorName,
        ROLE_NAMES[d.actorRole as Role] ?? '系统',
        AUDIT_ACTION_LABELS[d.action] ?? d.action,
        AUDIT_TARGET_LABELS[d.targetType] ?? d.targetType,
        d.targetId,
        changeText(d.changes),
        d.reason ?? '',
      ]);
      // A BOM so that Excel reads the Chinese as UTF-8.
      return `\ufeff${stringify([['时间', '操作人', '角色', '操作', '对象类型', '对象编号', '变更', '原因'], ...rows])}`;
    },
  });
}
