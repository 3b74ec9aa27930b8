/**
 * The district dashboard's figures, all from the day counters (./counters.ts), so every
 * number follows the same rules as the summary — meals and subsidy on the meal's date:
 * a series by day or week, the communities side by side, and the subsidy by funder.
 * Reads: one equality query per month ({month}, or {communityId, month}), days filtered here.
 */
import { addDays, isoWeekday, median } from '@yiyangtong/shared';
import { Community } from '../places/model';
import { DailyCounter, type DailyCounterDoc } from './counters';
import { monthsOf } from './summary';

export async function countersIn(from: string, to: string, communityId?: string): Promise<DailyCounterDoc[]> {
  const docs: DailyCounterDoc[] = [];
  for (const month of monthsOf(from, to)) {
    const found = await DailyCounter.find(communityId ? { communityId, month } : { month })
      .limit(20_000)
      .lean<DailyCounterDoc[]>();
    docs.push(...found.filter((d) => d.date >= from && d.date <= to));
  }
  return docs;
}

const svcCount = (d: DailyCounterDoc) => Object.values(d.svc ?? {}).reduce((a, b) => a + b, 0);
const rate = (good: number, all: number) => (all ? good / all : null);
const hours = (minutes: number) => Math.round((minutes / 60) * 10) / 10;

/** The dashboard's figures of a set of day counters (the summary's definitions). */
export function figuresOf(docs: DailyCounterDoc[]) {
  const sum = (f: (d: DailyCounterDoc) => number) => docs.reduce((s, d) => s + (f(d) || 0), 0);
  const minutes = sum((d) => d.serviceMinutes);
  const ratings = sum((d) => d.ratings);
  const ack = docs.flatMap((d) => d.sosAckSeconds ?? []);
  return {
    mealOrders: sum((d) => d.mealOrders),
    mealsServed: sum((d) => d.mealsServed),
    subsidyTotal: sum((d) => d.subsidyTotal),
    serviceOrders: sum(svcCount),
    serviceMinutes: minutes,
    serviceHours: hours(minutes),
    ratings,
    satisfactionRate: rate(
      sum((d) => d.ratingsGood),
      ratings,
    ),
    sosCount: sum((d) => d.sosCount),
    sosMedianAckSeconds: median(ack),
  };
}

/** Monday of the ISO week a date falls in. */
const weekStart = (date: string) => addDays(date, 1 - isoWeekday(date));

/** One point per day (or per Monday-started week, clipped to the range), empty ones included. */
export async function trends(from: string, to: string, by: 'day' | 'week', communityId?: string) {
  const docs = await countersIn(from, to, communityId);
  const points: { start: string; end: string; docs: DailyCounterDoc[] }[] = [];
  for (let start = from; start <= to;) {
    const next = by === 'day' ? addDays(start, 1) : addDays(weekStart(start), 7);
    const end = addDays(next, -1) < to ? addDays(next, -1) : to;
    points.push({ start, end, docs: docs.filter((d) => d.date >= start && d.date <= end) });
    start = next;
  }
  return {
    from,
    to,
    by,
    points: points.map((p) => ({ start: p.start, end: p.end, ...figuresOf(p.docs) })),
  };
}

/** Each community's figures beside the others' (a worker: their own only) and the total. */
export async function communities(from: string, to: string, communityId?: string) {
  const [docs, names] = await Promise.all([
    countersIn(from, to, communityId),
    Community.find().limit(500).lean(),
  ]);
  const listed = names
    .map((c) => ({ communityId: String(c._id), name: c.name }))
    .filter((c) => !communityId || c.communityId === communityId)
    .sort((a, b) => a.name.localeCompare(b.name, 'zh'));
  return {
    from,
    to,
    items: listed.map((c) => ({ ...c, ...figuresOf(docs.filter((d) => d.communityId === c.communityId)) })),
    total: figuresOf(docs),
  };
}

/** The subsidy of the range by who funds it (government / canteen), on the meal's date. */
export async function funders(from: string, to: string, communityId?: string) {
  const docs = await countersIn(from, to, communityId);
  const by = new Map<string, number>([
    ['government', 0],
    ['canteen', 0],
  ]);
  for (const d of docs)
    for (const [f, amount] of Object.entries(d.subsidyBy ?? {})) by.set(f, (by.get(f) ?? 0) + amount);
  return {
    from,
    to,
    items: [...by].map(([fundedBy, amount]) => ({ fundedBy, amount })),
    subsidyTotal: docs.reduce((s, d) => s + (d.subsidyTotal ?? 0), 0),
  };
}
