/**
 * Sampled 回访: every visit rated 3 or less, and a share of completed visits chosen at random
 * (default 10 %, set by the district office), becomes a follow-up task on the worker desk. The
 * task closes when a worker records the follow-up on the visit (the existing follow-up step).
 */
import { randomInt } from 'node:crypto';
import { chinaDate, DEFAULT_FOLLOW_UP_SHARE, type FollowUpReason } from '@yiyangtong/shared';
import { isDuplicateKeyError } from '../db';
import { conditionalUpdate } from '../db/write-lock';
import { bumpCounters } from '../reports/counters';
import type { ServiceOrderDoc, Who } from '../services/model';
import { FollowUpSettings, FollowUpTask, type FollowUpTaskDoc } from './model';

export async function sampleShare(): Promise<number> {
  const doc = await FollowUpSettings.findById('sampling').lean();
  return doc?.sampleShare ?? DEFAULT_FOLLOW_UP_SHARE;
}

export async function setSampleShare(share: number, by: Who, now: Date): Promise<number> {
  const before = await sampleShare();
  await FollowUpSettings.updateOne(
    { _id: 'sampling' },
    { $set: { sampleShare: share, updatedAt: now, updatedBy: by } },
    { upsert: true },
  );
  return before;
}

/** Opens the visit's task, or adds the reason to the one it has; counted once, when created. */
async function openTask(order: ServiceOrderDoc, reason: FollowUpReason, now: Date, score?: number) {
  const id = String(order._id);
  const scoreField = score !== undefined ? { ratingScore: score } : {};
  try {
    await FollowUpTask.create({
      _id: id,
      communityId: order.communityId,
      elderId: order.elderId,
      elderName: order.elderName,
      itemName: order.item.name,
      ...(order.provider ? { providerName: order.provider.name } : {}),
      reasons: [reason],
      ...scoreField,
      status: 'open',
      createdAt: now,
      createdDay: chinaDate(now),
    });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    await FollowUpTask.updateOne({ _id: id }, { $addToSet: { reasons: reason }, $set: scoreField });
    return;
  }
  await bumpCounters(order.communityId, chinaDate(now), { inc: { followUpTasks: 1 } });
}

/** A visit was completed and counts as served: sampled with the district's share. */
export async function sampleCompletedVisit(order: ServiceOrderDoc, now: Date): Promise<void> {
  const share = await sampleShare();
  if (share > 0 && randomInt(0, 10_000) < Math.round(share * 10_000)) await openTask(order, 'sampled', now);
}

export async function afterRating(order: ServiceOrderDoc, score: number, now: Date): Promise<void> {
  if (score <= 3) await openTask(order, 'low_rating', now, score);
}

/** The follow-up was recorded on the visit: its task (if it had one) is done. */
export async function closeTask(
  order: ServiceOrderDoc,
  done: { at: Date; by: Who; satisfied: boolean; notes?: string },
): Promise<void> {
  const closed = await conditionalUpdate<FollowUpTaskDoc>(
    FollowUpTask,
    String(order._id),
    { status: 'open' },
    { $set: { status: 'done', done, doneDay: chinaDate(done.at) } },
  );
  if (closed)
    await bumpCounters(order.communityId, chinaDate(done.at), {
      inc: { followUpTasksDone: 1, followUpTasksSatisfied: done.satisfied ? 1 : 0 },
    });
}
