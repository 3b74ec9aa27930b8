/**
 * 主动关怀 (proactive care calls): plans, the day's list, recording a call and its escalation.
 * Every read is an equality on an indexed top-level field: plans by `communityId`, calls by
 * `communityDay`, elders by `communityId`; plans and calls by `_id`.
 */
import {
  addDays,
  chinaDate,
  isoWeekday,
  type CareOutcome,
  type CarePlanBody,
  type CareCallBody,
} from '@yiyangtong/shared';
import { changesBetween, recordAudit } from '../audit/record';
import type { Actor } from '../core/auth';
import { conflict, forbidden, notFound, validationFailed } from '../core/errors';
import { isDuplicateKeyError } from '../db';
import { conditionalUpdate } from '../db/write-lock';
import { loadElderFor } from '../elders/access';
import { recoveryGraceMs } from '../orders/recovery-config';
import { Elder, isRetired, type ElderDoc } from '../elders/model';
import { whoOf } from '../services/service';
import { raiseSystemAlarm } from '../sos/service';
import { CareCall, careCallId, CarePlan, communityDay, type CareCallDoc, type CarePlanDoc } from './model';

export type CallStatus = 'due' | 'done' | 'missed';

/** The community a worker's (or, with `communityId`, an admin's) list is of. */
export function communityOf(actor: Actor, communityId?: string): string {
  if (actor.role === 'worker') {
    if (!actor.communityId) throw forbidden();
    if (communityId && communityId !== actor.communityId) throw notFound('社区');
    return actor.communityId;
  }
  if (actor.role === 'admin') {
    if (!communityId) throw validationFailed({ communityId: '请选择社区' });
    return communityId;
  }
  throw forbidden();
}

/** Whether a call is due on `date` under the plan. */
export function dueOn(plan: CarePlanDoc, date: string): boolean {
  if (date < plan.since) return false;
  if (plan.status === 'ended' && (!plan.endedOn || date >= plan.endedOn)) return false;
  return plan.weekdays.includes(isoWeekday(date));
}

const PLAN_FIELDS = ['weekdays', 'notes', 'status'] as const;

/** Puts the elder on the plan, or changes the days of the plan they are on. Audited. */
export async function savePlan(
  actor: Actor,
  body: CarePlanBody & { notes?: string },
  now: Date,
): Promise<{ plan: CarePlanDoc; created: boolean }> {
  if (actor.role !== 'worker' && actor.role !== 'admin') throw forbidden();
  const elder = await loadElderFor(actor, body.elderId);
  if (isRetired(elder)) throw conflict('ELDER_RETIRED', `${elder.name}已退出服务，不能加入主动关怀`);
  const weekdays = [...new Set(body.weekdays)].sort((a, b) => a - b);
  const today = chinaDate(now);
  const elderId = String(elder._id);
  try {
    const plan = (
      await CarePlan.create({
        _id: elderId,
        elderId,
        communityId: elder.communityId,
        weekdays,
        ...(body.notes ? { notes: body.notes } : {}),
        status: 'active',
        since: today,
        seq: 0,
        createdBy: whoOf(actor),
      })
    ).toObject() as CarePlanDoc;
    await recordAudit(actor, {
      action: 'care_plan.create',
      targetType: 'care_plan',
      targetId: elderId,
      communityId: elder.communityId,
      changes: changesBetween({}, plan, PLAN_FIELDS),
    });
    return { plan, created: true };
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
  }
  const before = await CarePlan.findById(elderId).lean<CarePlanDoc>();
  if (!before) throw conflict('REQUEST_IN_PROGRESS', '请稍候再试');
  const restart = before.status !== 'active';
  const plan = await conditionalUpdate<CarePlanDoc>(
    CarePlan,
    elderId,
    {},
    {
      $set: {
        weekdays,
        status: 'active',
        communityId: elder.communityId,
        ...(restart ? { since: today } : {}),
        ...(body.notes !== undefined ? { notes: body.notes } : {}),
      },
      ...(restart ? { $unset: { endedOn: 1 } } : {}),
    },
  );
  if (!plan) throw notFound('关怀计划');
  const changes = changesBetween(before, plan, PLAN_FIELDS);
  if (changes.length)
    await recordAudit(actor, {
      action: restart ? 'care_plan.create' : 'care_plan.update',
      targetType: 'care_plan',
      targetId: elderId,
      communityId: elder.communityId,
      changes,
    });
  return { plan, created: restart };
}

/** Ends the elder's plan (calls no longer due from today). Audited. */
export async function endPlan(actor: Actor, elderId: string, now: Date): Promise<CarePlanDoc> {
  const plan = await loadPlanFor(actor, elderId);
  if (plan.status === 'ended') throw conflict('WRONG_STATE', '这位长者的主动关怀已经结束');
  const ended = await conditionalUpdate<CarePlanDoc>(
    CarePlan,
    elderId,
    { status: 'active' },
    { $set: { status: 'ended', endedOn: chinaDate(now) } },
  );
  if (!ended) throw conflict('WRONG_STATE', '这位长者的主动关怀已经结束');
  await recordAudit(actor, {
    action: 'care_plan.end',
    targetType: 'care_plan',
    targetId: elderId,
    communityId: plan.communityId,
    changes: changesBetween(plan, ended, PLAN_FIELDS),
  });
  return ended;
}

/** A plan the caller may see: its id is the elder's; anything not visible is a 404. */
export async function loadPlanFor(actor: Actor, id: string): Promise<CarePlanDoc> {
  if (actor.role !== 'worker' && actor.role !== 'admin') throw notFound('关怀计划');
  const plan = await CarePlan.findById(id).lean<CarePlanDoc>();
  if (!plan || (actor.role === 'worker' && plan.communityId !== actor.communityId))
    throw notFound('关怀计划');
  return plan;
}

export function planView(p: CarePlanDoc, elder?: ElderDoc) {
  return {
    id: p._id,
    elderId: p.elderId,
    ...(elder ? { elderName: elder.name } : {}),
    communityId: p.communityId,
    weekdays: p.weekdays,
    ...(p.notes ? { notes: p.notes } : {}),
    status: p.status,
    since: p.since,
    ...(p.endedOn ? { endedOn: p.endedOn } : {}),
    ...(p.lastOutcome ? { lastOutcome: p.lastOutcome } : {}),
  };
}

const HIGH_CARE = new Set(['moderate', 'severe']);

/** Why an elder is suggested for care calls, in words (none: not suggested). */
export function suggestionReasons(e: ElderDoc): string[] {
  const reasons: string[] = [];
  if (e.livesAlone) reasons.push('独居');
  if (e.careLevel && HIGH_CARE.has(e.careLevel))
    reasons.push(e.careLevel === 'severe' ? '重度失能' : '中度失能');
  return reasons;
}

/** The community's elders in the programme, by id (one equality query). */
export async function communityElders(communityId: string): Promise<Map<string, ElderDoc>> {
  const elders = await Elder.find({ communityId }).lean<ElderDoc[]>();
  return new Map(elders.filter((e) => !isRetired(e)).map((e) => [String(e._id), e]));
}

/** The community's plans and its elders: what the plan page shows, with suggestions. */
export async function plansOf(communityId: string) {
  const [plans, elders] = await Promise.all([
    CarePlan.find({ communityId }).lean<CarePlanDoc[]>(),
    communityElders(communityId),
  ]);
  const active = plans.filter((p) => p.status === 'active' && elders.has(p.elderId));
  const onPlan = new Set(active.map((p) => p.elderId));
  const suggestions = [...elders.values()]
    .filter((e) => !onPlan.has(String(e._id)))
    .map((e) => ({ e, reasons: suggestionReasons(e) }))
    .filter((s) => s.reasons.length)
    .sort((a, b) => b.reasons.length - a.reasons.length || a.e.name.localeCompare(b.e.name, 'zh'))
    .slice(0, 200)
    .map(({ e, reasons }) => ({
      elderId: String(e._id),
      elderName: e.name,
      reasons,
      ...(e.careLevel ? { careLevel: e.careLevel } : {}),
      livesAlone: Boolean(e.livesAlone),
    }));
  return {
    items: active
      .map((p) => planView(p, elders.get(p.elderId)))
      .sort((a, b) => (a.elderName ?? '').localeCompare(b.elderName ?? '', 'zh')),
    suggestions,
  };
}

/**
 * The day's calls of a community: every elder whose plan makes a call due that day, and every
 * elder called that day. A call recorded → done (the last one's outcome); none and the day
 * has passed → missed; else due. Phones whole: only workers and admin call this.
 */
export async function callsOn(communityId: string, date: string, today: string) {
  const [plans, calls, elders] = await Promise.all([
    CarePlan.find({ communityId }).lean<CarePlanDoc[]>(),
    CareCall.find({ communityDay: communityDay(communityId, date) }).lean<CareCallDoc[]>(),
    communityElders(communityId),
  ]);
  const lastCall = new Map<string, CareCallDoc>();
  const count = new Map<string, number>();
  for (const c of calls) {
    const prev = lastCall.get(c.elderId);
    if (!prev || prev.seq < c.seq) lastCall.set(c.elderId, c);
    count.set(c.elderId, (count.get(c.elderId) ?? 0) + 1);
  }
  const planOf = new Map(plans.map((p) => [p.elderId, p]));
  const elderIds = new Set([
    ...plans.filter((p) => dueOn(p, date) && elders.has(p.elderId)).map((p) => p.elderId),
    ...lastCall.keys(),
  ]);
  const rank = { due: 0, missed: 1, done: 2 } as const;
  const items = [...elderIds].map((elderId) => {
    const elder = elders.get(elderId);
    const call = lastCall.get(elderId);
    const status: CallStatus = call ? 'done' : date < today ? 'missed' : 'due';
    return {
      elderId,
      planId: elderId,
      elderName: elder?.name ?? call?.elderName ?? '',
      ...(elder?.phone ? { phone: elder.phone } : {}),
      ...(elder?.address ? { address: elder.address } : {}),
      status,
      ...(call
        ? {
            outcome: call.outcome,
            ...(call.notes ? { notes: call.notes } : {}),
            calledAt: new Date(call.calledAt).toISOString(),
            calledBy: call.by.name,
            calls: count.get(elderId) ?? 1,
            escalated: calls.some((c) => c.elderId === elderId && c.escalated),
          }
        : {}),
      ...(planOf.get(elderId)?.notes ? { planNotes: planOf.get(elderId)!.notes } : {}),
      ...(planOf.get(elderId)?.lastOutcome && !call ? { lastOutcome: planOf.get(elderId)!.lastOutcome } : {}),
    };
  });
  items.sort((a, b) => rank[a.status] - rank[b.status] || a.elderName.localeCompare(b.elderName, 'zh'));
  return { date, items };
}

const escalates = (outcome: CareOutcome, previous?: CareOutcome) =>
  outcome === 'unwell' || (outcome === 'no_answer' && previous === 'no_answer');

/**
 * Records one call. The elder's plan holds the sequence: call `seq + 1` is inserted with a unique
 * `_id` (two workers at once: one gets E11000, brings the plan up to date and takes the next
 * number), so each call's `previousOutcome` is exactly the call before it. Unwell, or no answer
 * after no answer, raises the elder's alarm (one open alarm per elder: a second escalation while
 * it is open tells nobody twice).
 */
export async function recordCall(actor: Actor, body: CareCallBody & { notes?: string }, now: Date) {
  if (actor.role !== 'worker' && actor.role !== 'admin') throw forbidden();
  const elder = await loadElderFor(actor, body.elderId);
  const elderId = String(elder._id);
  if (isRetired(elder)) throw conflict('ELDER_RETIRED', `${elder.name}已退出服务`);
  const date = chinaDate(now);
  const by = whoOf(actor);
  let call: CareCallDoc | undefined;
  for (let attempt = 0; !call; attempt++) {
    if (attempt > 50) throw conflict('REQUEST_IN_PROGRESS', '正在记录，请稍候再试');
    const plan = await CarePlan.findById(elderId).lean<CarePlanDoc>();
    if (!plan || plan.status !== 'active')
      throw conflict('NOT_ON_PLAN', `${elder.name}还没有加入主动关怀，请先加入关怀计划`);
    const seq = (plan.seq ?? 0) + 1;
    const doc: CareCallDoc = {
      _id: careCallId(elderId, seq),
      elderId,
      elderName: elder.name,
      communityId: elder.communityId,
      date,
      communityDay: communityDay(elder.communityId, date),
      seq,
      outcome: body.outcome,
      ...(plan.lastOutcome ? { previousOutcome: plan.lastOutcome } : {}),
      ...(body.notes ? { notes: body.notes } : {}),
      by,
      calledAt: now,
      escalated: escalates(body.outcome, plan.lastOutcome),
    };
    if (doc.escalated) doc.alarm = 'pending';
    try {
      await CareCall.create(doc);
      call = doc;
    } catch (err) {
      if (!isDuplicateKeyError(err)) throw err;
      // Another worker (or a crashed one) took this number: bring the plan up to it, then retry.
      const taken = await CareCall.findById(doc._id).lean<CareCallDoc>();
      if (taken)
        await conditionalUpdate<CarePlanDoc>(
          CarePlan,
          elderId,
          { seq: seq - 1 },
          { $set: { seq, lastOutcome: taken.outcome } },
        );
      else await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    await conditionalUpdate<CarePlanDoc>(
      CarePlan,
      elderId,
      { seq: seq - 1 },
      { $set: { seq, lastOutcome: body.outcome } },
    );
  }
  const alarm = call.escalated ? await raiseCareAlarm(call, now) : undefined;
  await recordAudit(actor, {
    action: 'care_call.record',
    targetType: 'care_call',
    targetId: call._id,
    communityId: elder.communityId,
    changes: [
      { field: 'outcome', after: call.outcome },
      ...(call.notes ? [{ field: 'notes', after: call.notes }] : []),
    ],
  });
  return {
    id: call._id,
    elderId,
    elderName: elder.name,
    date,
    outcome: call.outcome,
    ...(call.notes ? { notes: call.notes } : {}),
    ...(call.previousOutcome ? { previousOutcome: call.previousOutcome } : {}),
    calledAt: now.toISOString(),
    escalated: call.escalated,
    ...(alarm ? { alarm } : {}),
  };
}

/** Raises the alarm of an escalated call (one open alarm per elder: an open one is returned) and marks it raised. */
async function raiseCareAlarm(call: CareCallDoc, now: Date): Promise<{ id: string; created: boolean }> {
  const reason = call.outcome === 'unwell' ? '主动关怀：电话中长者表示身体不适' : '主动关怀：连续两次未接通';
  const { sos, created } = await raiseSystemAlarm(
    {
      elderId: call.elderId,
      source: 'care_call',
      reason,
      by: call.by,
      ref: { type: 'care_call', id: call._id },
    },
    now,
  );
  await CareCall.updateOne({ _id: call._id }, { $set: { alarm: 'raised', sosId: String(sos._id) } });
  return { id: String(sos._id), created };
}

/**
 * The recovery sweep: an escalated call whose process died before its alarm went out
 * (`alarm: 'pending'` past the grace period) gets its alarm now. Idempotent: a second raise
 * while the alarm is open returns it and tells nobody twice.
 */
export async function recoverCareAlarms(now = new Date()): Promise<number> {
  let n = 0;
  const grace = recoveryGraceMs();
  for (const call of await CareCall.find({ alarm: 'pending' }).limit(100).lean<CareCallDoc[]>()) {
    if (now.getTime() - new Date(call.calledAt).getTime() < grace) continue; // may still be running
    await raiseCareAlarm(call, now);
    n++;
  }
  return n;
}

export const SUMMARY_MAX_DAYS = 92;

/** Figures for a period: calls due, made, reached (well or unwell), escalated, missed; per day and in total. */
export async function summaryOf(communityId: string, from: string, to: string, today: string) {
  const [all, elders] = await Promise.all([
    CarePlan.find({ communityId }).lean<CarePlanDoc[]>(),
    communityElders(communityId),
  ]);
  // As on the day's list: elders who left the programme or the community are no longer due.
  const plans = all.filter((p) => elders.has(p.elderId));
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  const perDay = await Promise.all(
    days.map(async (date) => {
      const calls = await CareCall.find({ communityDay: communityDay(communityId, date) }).lean<
        CareCallDoc[]
      >();
      const due = plans.filter((p) => dueOn(p, date));
      const called = new Set(calls.map((c) => c.elderId));
      return {
        date,
        due: due.length,
        made: calls.length,
        reached: calls.filter((c) => c.outcome !== 'no_answer').length,
        noAnswer: calls.filter((c) => c.outcome === 'no_answer').length,
        escalated: calls.filter((c) => c.escalated).length,
        missed: date < today ? due.filter((p) => !called.has(p.elderId)).length : 0,
      };
    }),
  );
  const sum = (k: keyof (typeof perDay)[number]) =>
    perDay.reduce((n, d) => n + (typeof d[k] === 'number' ? (d[k] as number) : 0), 0);
  return {
    from,
    to,
    due: sum('due'),
    made: sum('made'),
    reached: sum('reached'),
    noAnswer: sum('noAnswer'),
    escalated: sum('escalated'),
    missed: sum('missed'),
    days: perDay,
  };
}
