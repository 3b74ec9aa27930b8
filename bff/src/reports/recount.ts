/**
 * A full recount of one day's counters from the records themselves, by the same rules as
 * ./counters.ts. Used to prove the running counters right (tests) and to rebuild them
 * after loading history (the demo seed). Queries (equality, indexed): MealOrder {date};
 * ServiceOrder {createdDay}, {checkOutDay}, {ratedDay}, {followUpDay}; Sos {day}; FollowUpTask {createdDay}, {doneDay}.
 */
import { counterStatus, countsAsServed } from '@yiyangtong/shared';
import { MealOrder, type MealOrderDoc } from '../orders/model';
import { ServiceOrder, type ServiceOrderDoc } from '../services/model';
import { FollowUpTask, type FollowUpTaskDoc } from '../follow-ups/model';
import { Sos, type SosDoc } from '../sos/model';
import { counterId, DailyCounter, type DailyCounterDoc } from './counters';
import { subsidyByFunder, subsidyOf } from './meal-events';

export type DayCounts = Omit<DailyCounterDoc, '_id' | 'communityId' | 'date' | 'month'>;
const LIMIT = 100_000;

export const emptyCounts = (): DayCounts => ({
  mealOrders: 0,
  mealsServed: 0,
  subsidyTotal: 0,
  subsidyBy: {},
  svc: {},
  serviceMinutes: 0,
  ratings: 0,
  ratingsGood: 0,
  followUps: 0,
  followUpsSatisfied: 0,
  sosCount: 0,
  sosAckSeconds: [],
  sosCancelled: 0,
  sosResolved: 0,
  sosOutcomes: {},
  sosBySource: {},
  followUpTasks: 0,
  followUpTasksDone: 0,
  followUpTasksSatisfied: 0,
});

export async function recountDay(date: string): Promise<Map<string, DayCounts>> {
  const [meals, requested, checkedOut, rated, followed, alarms, tasksCreated, tasksDone] = await Promise.all([
    MealOrder.find({ date }).limit(LIMIT).lean<MealOrderDoc[]>(),
    ServiceOrder.find({ createdDay: date }).limit(LIMIT).lean<ServiceOrderDoc[]>(),
    ServiceOrder.find({ checkOutDay: date }).limit(LIMIT).lean<ServiceOrderDoc[]>(),
    ServiceOrder.find({ ratedDay: date }).limit(LIMIT).lean<ServiceOrderDoc[]>(),
    ServiceOrder.find({ followUpDay: date }).limit(LIMIT).lean<ServiceOrderDoc[]>(),
    Sos.find({ day: date }).limit(LIMIT).lean<SosDoc[]>(),
    FollowUpTask.find({ createdDay: date }).limit(LIMIT).lean<FollowUpTaskDoc[]>(),
    FollowUpTask.find({ doneDay: date }).limit(LIMIT).lean<FollowUpTaskDoc[]>(),
  ]);
  const out = new Map<string, DayCounts>();
  const of = (communityId: string) => {
    let c = out.get(communityId);
    if (!c) out.set(communityId, (c = emptyCounts()));
    return c;
  };
  for (const m of meals) {
    if (m.status === 'cancelled') continue;
    const c = of(m.communityId);
    c.mealOrders += 1;
    c.subsidyTotal += subsidyOf(m);
    const by = (c.subsidyBy ??= {});
    for (const [k, v] of Object.entries(subsidyByFunder(m))) {
      const funder = k.slice('subsidyBy.'.length);
      by[funder] = (by[funder] ?? 0) + v;
    }
    if (m.status === 'served') c.mealsServed += 1;
  }
  for (const s of requested) {
    const c = of(s.communityId);
    const key = counterStatus(s.status, s.review?.state);
    c.svc[key] = (c.svc[key] ?? 0) + 1;
  }
  for (const s of checkedOut)
    if (countsAsServed(s.review?.state)) of(s.communityId).serviceMinutes += s.checkOut?.durationMin ?? 0;
  for (const s of rated) {
    const c = of(s.communityId);
    c.ratings += 1;
    if ((s.rating?.score ?? 0) >= 4) c.ratingsGood += 1;
  }
  for (const s of followed) {
    const c = of(s.communityId);
    c.followUps += 1;
    if (s.followUp?.satisfied) c.followUpsSatisfied += 1;
  }
  for (const a of alarms) {
    const c = of(a.communityId);
    if (a.status === 'cancelled') {
      c.sosCancelled += 1;
      continue;
    }
    c.sosCount += 1;
    const source = a.source ?? 'elder';
    const bySource = (c.sosBySource ??= {});
    bySource[source] = (bySource[source] ?? 0) + 1;
    if (a.ack) c.sosAckSeconds.push(a.ack.seconds);
    if (a.status === 'resolved') c.sosResolved += 1;
    const outcome = a.resolution?.outcome;
    if (outcome) c.sosOutcomes[outcome] = (c.sosOutcomes[outcome] ?? 0) + 1;
  }
  for (const task of tasksCreated) {
    const c = of(task.communityId);
    c.followUpTasks = (c.followUpTasks ?? 0) + 1;
  }
  for (const task of tasksDone) {
    const c = of(task.communityId);
    c.followUpTasksDone = (c.followUpTasksDone ?? 0) + 1;
    if (task.done?.satisfied) c.followUpTasksSatisfied = (c.followUpTasksSatisfied ?? 0) + 1;
  }
  return out;
}

/** Replaces the day's counter documents by a recount (the demo seed; a repair tool). */
export async function rebuildDay(date: string): Promise<void> {
  const counts = await recountDay(date);
  for (const [communityId, c] of counts) {
    await DailyCounter.replaceOne(
      { _id: counterId(communityId, date) },
      { communityId, date, month: date.slice(0, 7), ...c },
      { upsert: true },
    );
  }
}
