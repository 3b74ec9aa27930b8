/**
 * Daily counters for the district's figures: one document per community and China day,
 * `_id` = `<communityId>:<YYYY-MM-DD>`, updated with each event (never by scanning orders
 * on a report request). Every update runs under the write lock of that document, because
 * FerretDB loses concurrent `$inc`s.
 *
 * What each field counts, and on which day (the recount in ./recount.ts follows the same rules):
 * - mealOrders, subsidyTotal: meal orders not cancelled, on the meal's date;
 * - subsidyBy.<fundedBy>: the same subsidy split by who pays it (government / canteen);
 * - mealsServed: meal orders served (picked up), on the meal's date;
 * - svc.<status>: service orders by their current status, on the day they were requested
 *   (a visit under review / rejected: svc.review_pending / svc.review_rejected, see counterStatus);
 * - serviceMinutes: minutes served, on the check-out day (an exceptional visit's once approved);
 * - ratings / ratingsGood (score ≥ 4): on the rating day;
 * - followUps / followUpsSatisfied: on the follow-up day;
 * - sosCount: alarms raised, on the raise day; sosAckSeconds: seconds to ack, on the raise day.
 *   An alarm cancelled (raised by mistake, before any ack) leaves sosCount for sosCancelled;
 *   sosResolved and sosOutcomes.<outcome> (when the worker chose one): on the raise day too;
 *   sosBySource.<source> (elder / care_call / delivery): alarms raised, as sosCount;
 * - followUpTasks: 回访 tasks created (rated ≤ 3 or sampled), on the creation day;
 *   followUpTasksDone / followUpTasksSatisfied: tasks closed by a follow-up, on that day.
 */
import mongoose, { Schema } from 'mongoose';
import { GroupCommit } from '../db/group-commit';
import { writeLock } from '../db/write-lock';

export interface DailyCounterDoc {
  _id: string;
  communityId: string;
  date: string;
  month: string;
  mealOrders: number;
  mealsServed: number;
  subsidyTotal: number;
  subsidyBy?: Record<string, number>;
  svc: Record<string, number>;
  serviceMinutes: number;
  ratings: number;
  ratingsGood: number;
  followUps: number;
  followUpsSatisfied: number;
  sosCount: number;
  sosAckSeconds: number[];
  sosCancelled: number;
  sosResolved: number;
  sosOutcomes: Record<string, number>;
  sosBySource?: Record<string, number>;
  followUpTasks?: number;
  followUpTasksDone?: number;
  followUpTasksSatisfied?: number;
}

const schema = new Schema<DailyCounterDoc>(
  {
    _id: String,
    communityId: String,
    date: String,
    month: String,
    mealOrders: Number,
    mealsServed: Number,
    subsidyTotal: Number,
    subsidyBy: Schema.Types.Mixed,
    svc: Schema.Types.Mixed,
    serviceMinutes: Number,
    ratings: Number,
    ratingsGood: Number,
    followUps: Number,
    followUpsSatisfied: Number,
    sosCount: Number,
    sosAckSeconds: [Number],
    sosCancelled: Number,
    sosResolved: Number,
    sosOutcomes: Schema.Types.Mixed,
    sosBySource: Schema.Types.Mixed,
    followUpTasks: Number,
    followUpTasksDone: Number,
    followUpTasksSatisfied: Number,
  },
  { versionKey: false, minimize: false },
);
// Queries: {month} (district figures), {communityId, month} (one community's figures).
schema.index({ month: 1 });
schema.index({ communityId: 1, month: 1 });
export const DailyCounter = mongoose.model<DailyCounterDoc>('DailyCounter', schema, 'daily_counters');

export const counterId = (communityId: string, date: string) => `${communityId}:${date}`;

export interface CounterChange {
  inc?: Record<string, number>;
  pushAckSeconds?: number;
}

/** Counts that arrive while the day's counter is being written go in its next write, summed. */
const incs = new GroupCommit<{ communityId: string; date: string; inc: Record<string, number> }, void>(
  async (id, changes) => {
    const inc: Record<string, number> = {};
    for (const c of changes) for (const [k, v] of Object.entries(c.inc)) inc[k] = (inc[k] ?? 0) + v;
    const { communityId, date } = changes[0];
    await writeCounter(id, communityId, date, {
      ...(Object.values(inc).some((v) => v !== 0) ? { $inc: inc } : {}),
    });
    return changes.map(() => undefined);
  },
);

function writeCounter(id: string, communityId: string, date: string, change: Record<string, unknown>) {
  return writeLock.update(`daily_counters:${id}`, () =>
    DailyCounter.updateOne(
      { _id: id },
      { $setOnInsert: { communityId, date, month: date.slice(0, 7) }, ...change },
      { upsert: true },
    ),
  );
}

/** Applies one event's change to the day's counter document (created on first use). */
export async function bumpCounters(communityId: string, date: string, change: CounterChange): Promise<void> {
  const id = counterId(communityId, date);
  const inc = Object.fromEntries(Object.entries(change.inc ?? {}).filter(([, v]) => v !== 0));
  if (change.pushAckSeconds !== undefined) {
    await writeCounter(id, communityId, date, {
      ...(Object.keys(inc).length ? { $inc: inc } : {}),
      $push: { sosAckSeconds: change.pushAckSeconds },
    });
  } else if (Object.keys(inc).length) await incs.run(id, { communityId, date, inc });
}

/** A service order moved from one status to another: its request day's counts follow. */
export function serviceStatusChange(from: string | null, to: string): Record<string, number> {
  return { ...(from ? { [`svc.${from}`]: -1 } : {}), [`svc.${to}`]: 1 };
}
