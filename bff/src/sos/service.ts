/**
 * One-key SOS. Raising inserts the elder's `sos_open/<elderId>` marker first (unique `_id`):
 * a second raise while one is open gets E11000 and returns the open alarm (200), however
 * many processes run. Ack, resolve and cancel are steps of ALARM_MACHINE (shared/src/state-machine.ts), each one
 * conditional write (db/transition.ts).
 */
import mongoose from 'mongoose';
import {
  ALARM_MACHINE,
  chinaDate,
  SOS_OVERDUE_MS,
  type AlarmAction,
  type AlarmSource,
  type AlarmStatus,
  type SosOutcome,
} from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { conflict, forbidden, notFound } from '../core/errors';
import { isDuplicateKeyError } from '../db';
import { loadElderFor, mayActForElder } from '../elders/access';
import { Elder, type ElderDoc } from '../elders/model';
import { notify } from '../notifications/notifier';
import { communityWorkerContacts, elderAndFamily } from '../notifications/recipients';
import { bumpCounters } from '../reports/counters';
import type { Who } from '../services/model';
import { whoOf } from '../services/service';
import { Sos, SosOpen, type SosDoc } from './model';
import { objectIdOrNull } from '../db/ids';
import { applyTransition } from '../db/transition';

type SosNoticeKind = 'sos_raised' | 'sos_acked' | 'sos_cancelled';

/** 「王助老员 13800001111」 for up to two of the community's workers with a phone: who the family can call. */
function whoToCall(workers: { name: string; phone?: string }[]): string {
  return workers
    .filter((w) => w.phone)
    .slice(0, 2)
    .map((w) => `${w.name} ${w.phone}`)
    .join('、');
}

async function tellAbout(sos: SosDoc, kind: SosNoticeKind, skipUserId: string): Promise<void> {
  const [family, workers] = await Promise.all([
    elderAndFamily(sos.elderId),
    communityWorkerContacts(sos.communityId),
  ]);
  const name = sos.elderName;
  const call = whoToCall(workers);
  // A system alarm says why in words: 「主动关怀：连续两次未接通」.
  const raised = sos.reason ? `${name}需要关注（${sos.reason}）` : `${name}发起了紧急呼叫`;
  const forWorkers = {
    sos_raised: { title: '紧急呼叫', body: `${raised}，请尽快联系` },
    sos_acked: {
      title: '社区已收到紧急呼叫',
      body: `${sos.ack?.by.name ?? '社区'}已收到${name}的呼叫，正在联系`,
    },
    sos_cancelled: {
      title: '紧急呼叫已取消',
      body: `${name}的紧急呼叫已由${sos.cancellation?.by.name ?? '家人'}取消（误按）${
        sos.cancellation?.reason ? `：${sos.cancellation.reason}` : ''
      }，无需上门`,
    },
  }[kind];
  // The family is told who to call: the community's workers, by their work phones.
  const forFamily =
    kind === 'sos_raised'
      ? {
          title: '紧急呼叫',
          body: `${raised}，社区正在联系。请尽快联系${name}${
            call ? `，也可致电社区助老员 ${call}` : ''
          }；危急时请直接拨打 120。`,
        }
      : kind === 'sos_acked'
        ? {
            title: '社区已收到紧急呼叫',
            body: `${sos.ack?.by.name ?? '社区'}已收到${name}的呼叫，正在联系${call ? `（社区助老员 ${call}）` : ''}`,
          }
        : forWorkers;
  const ref = { kind, refType: 'sos' as const, refId: String(sos._id) };
  await notify([
    ...workers
      .filter((w) => w.userId !== skipUserId)
      .map((w) => ({ userId: w.userId, ...ref, ...forWorkers })),
    ...family.filter((u) => u !== skipUserId).map((userId) => ({ userId, ...ref, ...forFamily })),
  ]);
}

export async function raiseSos(
  actor: Actor,
  input: { elderId: string; location?: { lng: number; lat: number } },
  now: Date,
): Promise<{ sos: SosDoc; created: boolean }> {
  if (!['elder', 'family', 'worker', 'admin'].includes(actor.role)) throw forbidden();
  const elder = await loadElderFor(actor, input.elderId);
  return openAlarm(
    elder,
    { source: 'elder', ...(input.location ? { location: input.location } : {}) },
    whoOf(actor),
    actor.id,
    now,
  );
}

/**
 * An alarm the system raises for an elder (a care call's escalation, a courier finding nobody
 * home). The caller has already checked who may act; this goes through the same flow as the
 * elder's key: one open alarm per elder (an open one is returned, nobody told twice), family and
 * the community's workers told with the reason, ack/resolve, overdue, response time counted.
 */
export async function raiseSystemAlarm(
  input: {
    elderId: string;
    source: Exclude<AlarmSource, 'elder'>;
    reason: string;
    by: Who;
    ref?: { type: 'care_call' | 'meal_order'; id: string };
  },
  now: Date,
): Promise<{ sos: SosDoc; created: boolean }> {
  const elder = await Elder.findById(objectIdOrNull(input.elderId)).lean<ElderDoc>();
  if (!elder) throw notFound('长者');
  const { source, reason, ref } = input;
  return openAlarm(elder, { source, reason, ...(ref ? { ref } : {}) }, input.by, input.by.userId, now);
}

type AlarmFields = Pick<SosDoc, 'source' | 'reason' | 'ref' | 'location'>;

/** Inserts the elder's open marker, then the alarm; an alarm already open is returned instead. */
async function openAlarm(
  elder: ElderDoc,
  fields: AlarmFields,
  by: Who,
  raiserUserId: string,
  now: Date,
): Promise<{ sos: SosDoc; created: boolean }> {
  const elderId = String(elder._id);
  const sosId = new mongoose.Types.ObjectId();
  const waitUntil = Date.now() + 10_000;
  for (;;) {
    try {
      await SosOpen.create({ _id: elderId, sosId: String(sosId) });
      break;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
    }
    const marker = await SosOpen.findById(elderId).lean();
    if (!marker) continue; // resolved meanwhile: raise a new one
    const open = await Sos.findById(marker.sosId).lean<SosDoc>();
    if (open) return { sos: open, created: false };
    // A marker without its alarm long after it was taken: its raiser died between the two
    // inserts. Release it (by exact id and owner) and raise anew.
    if (Date.now() - new Date(marker.createdAt).getTime() > 10_000) {
      await SosOpen.deleteOne({ _id: elderId, sosId: marker.sosId });
      continue;
    }
    if (Date.now() > waitUntil) throw conflict('REQUEST_IN_PROGRESS', '紧急呼叫正在发出，请稍候');
    await new Promise((r) => setTimeout(r, 20));
  }
  try {
    const sos = (
      await Sos.create({
        _id: sosId,
        elderId,
        elderName: elder.name,
        communityId: elder.communityId,
        status: 'open',
        ...fields,
        raisedBy: by,
        raisedAt: now,
        day: chinaDate(now),
        timeline: [{ status: 'open', at: now, by, ...(fields.reason ? { note: fields.reason } : {}) }],
      })
    ).toObject();
    await bumpCounters(elder.communityId, sos.day, {
      inc: { sosCount: 1, [`sosBySource.${fields.source ?? 'elder'}`]: 1 },
    });
    await tellAbout(sos, 'sos_raised', raiserUserId);
    return { sos, created: true };
  } catch (err) {
    await SosOpen.deleteOne({ _id: elderId, sosId: String(sosId) }).catch(() => undefined);
    throw err;
  }
}

export async function loadSosFor(actor: Actor, id: string): Promise<SosDoc> {
  const oid = objectIdOrNull(id);
  const sos = oid && (await Sos.findById(oid).lean<SosDoc>());
  if (
    !sos ||
    !(await mayActForElder(actor, {
      _id: new mongoose.Types.ObjectId(sos.elderId),
      communityId: sos.communityId,
    }))
  )
    throw notFound('紧急呼叫');
  return sos;
}

/** One step of ALARM_MACHINE (ack / resolve / cancel) as one conditional write; null if another step came first. */
const stepAlarm = (id: string, action: AlarmAction, update: Parameters<typeof applyTransition>[4]) =>
  applyTransition<SosDoc, AlarmStatus, AlarmAction>(Sos, id, ALARM_MACHINE, action, update);

const names = { open: '待响应', acknowledged: '已响应', resolved: '已处理', cancelled: '已取消' } as const;

export async function ackSos(actor: Actor, id: string, now: Date): Promise<SosDoc> {
  const sos = await loadSosFor(actor, id);
  const seconds = Math.max(0, Math.round((now.getTime() - new Date(sos.raisedAt).getTime()) / 1000));
  const by = whoOf(actor);
  const updated = await stepAlarm(id, 'ack', {
    set: { ack: { at: now, by, seconds } },
    push: { timeline: { status: 'acknowledged', at: now, by } },
  });
  if (!updated) {
    const current = await Sos.findById(sos._id).lean<SosDoc>();
    throw conflict('WRONG_STATE', `这条呼叫${names[current?.status ?? sos.status]}，不能再响应`);
  }
  await bumpCounters(sos.communityId, sos.day, { pushAckSeconds: seconds });
  await tellAbout(updated, 'sos_acked', actor.id);
  return updated;
}

export async function resolveSos(
  actor: Actor,
  id: string,
  input: { notes?: string; outcome?: SosOutcome },
  now: Date,
): Promise<SosDoc> {
  const sos = await loadSosFor(actor, id);
  const by = whoOf(actor);
  const { notes, outcome } = input;
  const updated = await stepAlarm(id, 'resolve', {
    set: { resolution: { at: now, by, ...(notes ? { notes } : {}), ...(outcome ? { outcome } : {}) } },
    push: { timeline: { status: 'resolved', at: now, by, ...(notes ? { note: notes } : {}) } },
  });
  if (!updated) {
    const current = await Sos.findById(sos._id).lean<SosDoc>();
    throw conflict(
      'WRONG_STATE',
      current?.status === 'open'
        ? '请先响应这条呼叫，再标记处理完成'
        : `这条呼叫${names[current?.status ?? sos.status]}`,
    );
  }
  await SosOpen.deleteOne({ _id: sos.elderId, sosId: id });
  await bumpCounters(sos.communityId, sos.day, {
    inc: { sosResolved: 1, ...(outcome ? { [`sosOutcomes.${outcome}`]: 1 } : {}) },
  });
  return updated;
}

/**
 * Raised by mistake: the elder, linked family or the community's worker cancels it while it
 * is still open. The same conditional write as ack (status open → …), so of a cancel and an ack
 * racing exactly one wins and the other gets 409. Counted apart from sosCount; everyone told.
 */
export async function cancelSos(
  actor: Actor,
  id: string,
  reason: string | undefined,
  now: Date,
): Promise<SosDoc> {
  if (!['elder', 'family', 'worker'].includes(actor.role)) throw forbidden();
  const sos = await loadSosFor(actor, id);
  // Only the elder's own key can be pressed by mistake; a care call's or courier's alarm is
  // closed by the worker who follows it up (ack, then resolve with what they found).
  if ((sos.source ?? 'elder') !== 'elder')
    throw conflict('WRONG_STATE', '这条提醒由社区跟进处理，不能取消；社区工作人员会联系您');
  const by = whoOf(actor);
  const updated = await stepAlarm(id, 'cancel', {
    set: { cancellation: { at: now, by, ...(reason ? { reason } : {}) } },
    push: { timeline: { status: 'cancelled', at: now, by, ...(reason ? { note: reason } : {}) } },
  });
  if (!updated) {
    const current = await Sos.findById(sos._id).lean<SosDoc>();
    const status = current?.status ?? sos.status;
    throw conflict(
      'WRONG_STATE',
      status === 'acknowledged'
        ? '社区已经收到这条呼叫，不能再取消；工作人员会联系您'
        : `这条呼叫${names[status]}，不能再取消`,
    );
  }
  await SosOpen.deleteOne({ _id: sos.elderId, sosId: id });
  await bumpCounters(sos.communityId, sos.day, {
    inc: { sosCount: -1, [`sosBySource.${sos.source ?? 'elder'}`]: -1, sosCancelled: 1 },
  });
  await tellAbout(updated, 'sos_cancelled', actor.id);
  return updated;
}

/** Open for more than 5 minutes without anyone taking it. */
export function isOverdue(s: SosDoc, now: Date): boolean {
  return s.status === 'open' && now.getTime() - new Date(s.raisedAt).getTime() > SOS_OVERDUE_MS;
}

/** What a caller sees; the elder's community workers (and admin) also get what they need to help. */
export function sosView(
  s: SosDoc,
  viewer: Actor,
  now: Date,
  elder?: ElderDoc | null,
  workers?: WorkerContact[],
) {
  const staff = viewer.role === 'admin' || (viewer.role === 'worker' && viewer.communityId === s.communityId);
  const iso = (d: Date) => new Date(d).toISOString();
  return {
    id: String(s._id),
    elderId: s.elderId,
    elderName: s.elderName,
    communityId: s.communityId,
    status: s.status,
    source: s.source ?? 'elder',
    ...(s.reason ? { reason: s.reason } : {}),
    ...(s.ref ? { ref: s.ref } : {}),
    statusText:
      s.status === 'open'
        ? s.source && s.source !== 'elder'
          ? '已通知社区，正在联系'
          : '正在呼叫社区'
        : s.status === 'acknowledged'
          ? '社区已收到，正在联系您'
          : s.status === 'cancelled'
            ? '已取消（误按）'
            : '已处理完毕',
    overdue: isOverdue(s, now),
    raisedBy: s.raisedBy,
    raisedAt: iso(s.raisedAt),
    ...(s.location ? { location: s.location } : {}),
    ...(s.ack ? { ack: { ...s.ack, at: iso(s.ack.at) }, ackSeconds: s.ack.seconds } : {}),
    ...(s.resolution ? { resolution: { ...s.resolution, at: iso(s.resolution.at) } } : {}),
    ...(s.cancellation ? { cancellation: { ...s.cancellation, at: iso(s.cancellation.at) } } : {}),
    // Who the elder and family can call: the community's workers, by their work phones.
    ...(workers ? { communityWorkers: workers.map((w) => ({ name: w.name, phone: w.phone })) } : {}),
    timeline: s.timeline.map((t) => ({ ...t, at: iso(t.at) })),
    ...(staff && elder
      ? {
          // Workers must call: the elder's own phone and the emergency contacts' unmasked for them
          // (the elder's ID number stays hidden).
          elder: {
            address: elder.address,
            ...(elder.phone ? { phone: elder.phone } : {}),
            ...(elder.careLevel ? { careLevel: elder.careLevel } : {}),
            diet: elder.diet ?? [],
            emergencyContacts: (elder.emergencyContacts ?? []).map((c) => ({
              name: c.name,
              phone: c.phone,
              ...(c.relation ? { relation: c.relation } : {}),
            })),
          },
        }
      : {}),
  };
}

export async function eldersById(ids: string[]): Promise<Map<string, ElderDoc>> {
  const unique = [...new Set(ids)];
  const docs = await Promise.all(unique.map((id) => Elder.findById(objectIdOrNull(id)).lean<ElderDoc>()));
  return new Map(docs.filter((d): d is ElderDoc => Boolean(d)).map((d) => [String(d._id), d]));
}

export type WorkerContact = { name: string; phone: string };

/** Per community, its workers who have a phone (for the elder's and family's SOS page). */
export async function workersByCommunity(communityIds: string[]): Promise<Map<string, WorkerContact[]>> {
  const unique = [...new Set(communityIds)];
  const lists = await Promise.all(unique.map((c) => communityWorkerContacts(c)));
  return new Map(
    unique.map((c, i) => [
      c,
      lists[i].flatMap((w) => (w.phone ? [{ name: w.name, phone: w.phone }] : [])).slice(0, 3),
    ]),
  );
}
