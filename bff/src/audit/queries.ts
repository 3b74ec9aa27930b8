import {
  addDays,
  AUDIT_MAX_DAYS,
  AUDIT_UNFILTERED_MAX_DAYS,
  chinaDate,
  type AuditEntry,
  type AuditQuery,
  daysBetween,
} from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { notFound, validationFailed } from '../core/errors';
import { AuditDay, AuditEntryModel, type AuditDoc } from './model';

export const AUDIT_PAGE_SIZE = 50;

export function auditView(d: AuditDoc): AuditEntry {
  return {
    id: String(d._id),
    at: d.at.toISOString(),
    actor: { userId: d.actorId, role: d.actorRole, name: d.actorName },
    action: d.action,
    targetType: d.targetType,
    targetId: d.targetId,
    ...(d.communityId ? { communityId: d.communityId } : {}),
    ...(d.changes?.length ? { changes: d.changes } : {}),
    ...(d.reason ? { reason: d.reason } : {}),
  };
}

/** Newest first; entries of the same instant by id. */
const newestFirst = (a: AuditDoc, b: AuditDoc) =>
  b.at.getTime() - a.at.getTime() || String(b._id).localeCompare(String(a._id));

/**
 * The entries a query asks for, newest first, `limit` at most (+1 to tell whether more follow),
 * each fetched by an equality key: one record's history by `targetKey`; otherwise walking back
 * day by day (a person's or a community's) or hour by hour (everything) from `to` or the cursor.
 */
export async function findAudit(
  actor: Actor,
  query: Omit<AuditQuery, 'before'> & { before?: string },
  limit: number,
): Promise<{ items: AuditDoc[]; more: boolean }> {
  const to = query.to ?? chinaDate();
  const targeted = Boolean(query.targetId || query.actorId);
  const from = query.from ?? addDays(to, -((targeted ? AUDIT_MAX_DAYS : AUDIT_UNFILTERED_MAX_DAYS) - 1));
  if (from > to) throw validationFailed({ 'query.from': '开始日期不能晚于结束日期' });
  const span = daysBetween(from, to) + 1; // days in the period, both ends counted
  if (span > AUDIT_MAX_DAYS) throw validationFailed({ 'query.from': `时间范围最多 ${AUDIT_MAX_DAYS} 天` });
  if (!targeted && span > AUDIT_UNFILTERED_MAX_DAYS)
    throw validationFailed({
      'query.from': `不按对象或操作人筛选时，时间范围最多 ${AUDIT_UNFILTERED_MAX_DAYS} 天`,
    });
  if (query.targetId && !query.targetType)
    throw validationFailed({ 'query.targetType': '按对象编号查时请同时选对象类型' });
  // A worker sees only what concerns their community's records.
  const communityId = actor.role === 'worker' ? actor.communityId : query.communityId;
  if (actor.role === 'worker' && !communityId) return { items: [], more: false };

  let cursor: AuditDoc | null = null;
  if (query.before) {
    cursor = await AuditEntryModel.findById(query.before).lean<AuditDoc>();
    if (!cursor) throw notFound('翻页位置');
  }
  const keep = (d: AuditDoc) => {
    const day = chinaDate(d.at);
    return (
      day >= from &&
      day <= to &&
      (!query.targetType || d.targetType === query.targetType) &&
      (!query.targetId || d.targetId === query.targetId) &&
      (!query.actorId || d.actorId === query.actorId) &&
      (!communityId || d.communityId === communityId) &&
      (!cursor || newestFirst(cursor, d) < 0)
    );
  };

  if (query.targetType && query.targetId) {
    const docs = await AuditEntryModel.find({ targetKey: `${query.targetType}:${query.targetId}` }).lean<
      AuditDoc[]
    >();
    const items = docs.filter(keep).sort(newestFirst);
    return { items: items.slice(0, limit), more: items.length > limit };
  }

  // Walk back from the cursor's day (or `to`) to `from`, one equality query per day or hour.
  const items: AuditDoc[] = [];
  let day = cursor ? chinaDate(cursor.at) : to;
  if (day > to) day = to;
  for (; day >= from && items.length <= limit; day = addDays(day, -1)) {
    const filters: Record<string, string>[] = query.actorId
      ? [{ actorDay: `${query.actorId}:${day}` }]
      : communityId
        ? [{ communityDay: `${communityId}:${day}` }]
        : await hoursOf(day);
    for (const filter of filters) {
      const docs = await AuditEntryModel.find(filter).lean<AuditDoc[]>();
      items.push(...docs.filter(keep).sort(newestFirst));
      if (items.length > limit) break;
    }
  }
  return { items: items.slice(0, limit), more: items.length > limit };
}

/** The hour keys of a day that hold entries, latest first (from the day's marker). */
async function hoursOf(day: string): Promise<{ hour: string }[]> {
  const marker = await AuditDay.findById(day).lean();
  return Object.keys(marker?.hours ?? {})
    .sort()
    .reverse()
    .map((h) => ({ hour: `${day}T${h}` }));
}
