import {
  chinaDate,
  maskIdCardNo,
  maskPhone,
  scrubPersonalData,
  type AuditChange,
  type AuditTargetType,
} from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { isDuplicateKeyError } from '../db';
import { AuditDay, AuditEntryModel } from './model';

export type { AuditChange };

/** The China hour of an instant, `YYYY-MM-DDTHH`: the key of the unfiltered walk. */
export function chinaHour(at: Date): string {
  const china = new Date(at.getTime() + 8 * 3600_000);
  return `${chinaDate(at)}T${String(china.getUTCHours()).padStart(2, '0')}`;
}

/**
 * A value as the audit log may keep it: ID numbers and phones masked by the field they sit in
 * (`idCardNo`, `phone`, at any depth), and anything shaped like one in free text scrubbed.
 */
export function auditValue(value: unknown, field = ''): unknown {
  if (typeof value === 'string') {
    if (/idCardNo$/i.test(field)) return maskIdCardNo(value);
    if (/phone$/i.test(field)) return maskPhone(value);
    return scrubPersonalData(value);
  }
  if (Array.isArray(value)) return value.map((v) => auditValue(v, field));
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (k === '_id') continue;
      out[k] = auditValue(v, k);
    }
    return out;
  }
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields among `fields` whose value differs between `before` and `after`, with both values. */
export function changesBetween(before: object, after: object, fields: readonly string[]): AuditChange[] {
  const b = before as Record<string, unknown>;
  const a = after as Record<string, unknown>;
  return fields
    .filter((f) => !same(b[f], a[f]))
    .map((field) => ({ field, before: b[field], after: a[field] }));
}

export interface AuditInput {
  /** `<targetType>.<verb>`, e.g. `elder.update` (labels: AUDIT_ACTION_LABELS) */
  action: string;
  targetType: AuditTargetType;
  targetId: string;
  /** the community the record belongs to: its workers see the entry */
  communityId?: string;
  changes?: AuditChange[];
  reason?: string;
}

/** Who made a change the system finished for them (e.g. the recovery sweep completing a retirement). */
export const SYSTEM_ACTOR = { id: 'system', role: 'system', name: '系统' } as const;

/** Writes one entry; call it once the change itself succeeded. Values are masked here. */
export async function recordAudit(
  actor: Pick<Actor, 'id' | 'name'> & { role: Actor['role'] | 'system' },
  entry: AuditInput,
  at: Date = new Date(),
): Promise<void> {
  const day = chinaDate(at);
  const changes = entry.changes?.map((c) => ({
    field: c.field,
    ...(c.before !== undefined ? { before: auditValue(c.before, c.field) } : {}),
    ...(c.after !== undefined ? { after: auditValue(c.after, c.field) } : {}),
  }));
  await AuditEntryModel.create({
    at,
    actorId: actor.id,
    actorRole: actor.role,
    actorName: actor.name,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    ...(entry.communityId
      ? { communityId: entry.communityId, communityDay: `${entry.communityId}:${day}` }
      : {}),
    ...(changes?.length ? { changes } : {}),
    ...(entry.reason ? { reason: scrubPersonalData(entry.reason) } : {}),
    targetKey: `${entry.targetType}:${entry.targetId}`,
    actorDay: `${actor.id}:${day}`,
    hour: chinaHour(at),
  });
  const hour = chinaHour(at).slice(-2);
  const mark = () =>
    AuditDay.updateOne({ _id: day }, { $set: { [`hours.${hour}`]: true } }, { upsert: true });
  // Two first entries of a day at once: one upsert inserts, the other meets E11000 and sets.
  await mark().catch((err) => (isDuplicateKeyError(err) ? mark() : Promise.reject(err)));
}
