import { addDays, ALARM_SOURCES, median, SOS_OUTCOMES } from '@yiyangtong/shared';
import { DailyCounter, type DailyCounterDoc } from './counters';

/** The months a date range touches (YYYY-MM), in order. */
export function monthsOf(from: string, to: string): string[] {
  const months: string[] = [];
  for (let m = from.slice(0, 7); m <= to.slice(0, 7);) {
    months.push(m);
    const next = addDays(`${m}-28`, 7);
    m = next.slice(0, 7);
  }
  return months;
}

/**
 * The figures for a range from the day counters: one equality query per month
 * ({month} district-wide, {communityId, month} for one community), days filtered here.
 */
export async function summary(from: string, to: string, communityId?: string) {
  const docs: DailyCounterDoc[] = [];
  for (const month of monthsOf(from, to)) {
    const found = await DailyCounter.find(communityId ? { communityId, month } : { month })
      .limit(20_000)
      .lean<DailyCounterDoc[]>();
    docs.push(...found.filter((d) => d.date >= from && d.date <= to));
  }
  const sum = (k: keyof DailyCounterDoc) => docs.reduce((s, d) => s + ((d[k] as number) ?? 0), 0);
  const byStatus: Record<string, number> = {};
  for (const d of docs)
    for (const [s, n] of Object.entries(d.svc ?? {})) byStatus[s] = (byStatus[s] ?? 0) + n;
  for (const s of Object.keys(byStatus)) if (!byStatus[s]) delete byStatus[s];
  const ratings = sum('ratings');
  const followUps = sum('followUps');
  const ack = docs.flatMap((d) => d.sosAckSeconds ?? []);
  const serviceMinutes = sum('serviceMinutes');
  const sosOutcomes = Object.fromEntries(
    SOS_OUTCOMES.map((o) => [o, docs.reduce((n, d) => n + (d.sosOutcomes?.[o] ?? 0), 0)]),
  );
  return {
    from,
    to,
    scope: communityId ? { communityId } : { district: true },
    mealOrders: sum('mealOrders'),
    mealsServed: sum('mealsServed'),
    subsidyTotal: sum('subsidyTotal'),
    // The contract's number, and the same split by status beside it.
    serviceOrders: Object.values(byStatus).reduce((a, b) => a + b, 0),
    serviceOrdersByStatus: byStatus,
    serviceMinutes,
    serviceHours: Math.round((serviceMinutes / 60) * 10) / 10,
    ratings,
    ratingsGood: sum('ratingsGood'),
    satisfactionRate: ratings ? sum('ratingsGood') / ratings : null,
    followUps,
    followUpsSatisfied: sum('followUpsSatisfied'),
    followUpSatisfactionRate: followUps ? sum('followUpsSatisfied') / followUps : null,
    sosCount: sum('sosCount'),
    sosAcked: ack.length,
    sosMedianAckSeconds: median(ack),
    // Alarms cancelled as raised by mistake: apart from sosCount and its median.
    sosCancelled: sum('sosCancelled'),
    sosResolved: sum('sosResolved'),
    sosOutcomes,
    // 回访 tasks (rated ≤ 3, or sampled): created, done, and done with the elder satisfied.
    followUpTasks: sum('followUpTasks'),
    followUpTasksDone: sum('followUpTasksDone'),
    followUpTasksSatisfied: sum('followUpTasksSatisfied'),
    // Alarms by who raised them: the elder's key, a care call, a courier.
    sosBySource: Object.fromEntries(
      ALARM_SOURCES.map((o) => [o, docs.reduce((n, d) => n + (d.sosBySource?.[o] ?? 0), 0)]),
    ),
  };
}
