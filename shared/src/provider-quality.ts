/**
 * 服务质量: each provider's figures over a period, from the visits they were given. One pure
 * function (the BFF reads the visits, the admin page ranks the result), unit-tested like the
 * pricing engine.
 *
 * - visits: visits scheduled in the period that were dispatched to the provider (not cancelled);
 * - completed: checked out (completed, rated or followed up), and not rejected on review;
 * - onTimeRate: check-ins within 15 minutes of the scheduled time ÷ check-ins (null without any);
 * - avgRating: the mean score of rated visits, one decimal (null without any);
 * - lowRatings: ratings of 2 or less;
 * - followUps / followUpsSatisfied: the office's 回访 of the provider's visits;
 * - farCheckIns: check-ins far from the elder's home.
 */
export const ON_TIME_MINUTES = 15;

export interface QualityVisit {
  providerUserId?: string;
  providerName?: string;
  status: string;
  scheduledAt: Date | string;
  checkInAt?: Date | string;
  farFromHome?: boolean;
  reviewState?: string;
  ratingScore?: number;
  followUpSatisfied?: boolean;
}

export interface ProviderQuality {
  providerUserId: string;
  name: string;
  visits: number;
  completed: number;
  checkIns: number;
  onTime: number;
  onTimeRate: number | null;
  ratings: number;
  avgRating: number | null;
  lowRatings: number;
  followUps: number;
  followUpsSatisfied: number;
  farCheckIns: number;
}

const DONE = new Set(['completed', 'rated', 'followed_up']);

export function providerQuality(visits: readonly QualityVisit[]): ProviderQuality[] {
  const by = new Map<string, ProviderQuality & { ratingSum: number }>();
  for (const v of visits) {
    if (!v.providerUserId || v.status === 'cancelled') continue;
    let p = by.get(v.providerUserId);
    if (!p)
      by.set(
        v.providerUserId,
        (p = {
          providerUserId: v.providerUserId,
          name: v.providerName ?? '',
          visits: 0,
          completed: 0,
          checkIns: 0,
          onTime: 0,
          onTimeRate: null,
          ratings: 0,
          avgRating: null,
          lowRatings: 0,
          followUps: 0,
          followUpsSatisfied: 0,
          farCheckIns: 0,
          ratingSum: 0,
        }),
      );
    p.visits += 1;
    if (DONE.has(v.status) && v.reviewState !== 'rejected') p.completed += 1;
    if (v.checkInAt) {
      p.checkIns += 1;
      const late = Math.abs(new Date(v.checkInAt).getTime() - new Date(v.scheduledAt).getTime());
      if (late <= ON_TIME_MINUTES * 60_000) p.onTime += 1;
      if (v.farFromHome) p.farCheckIns += 1;
    }
    if (v.ratingScore !== undefined) {
      p.ratings += 1;
      p.ratingSum += v.ratingScore;
      if (v.ratingScore <= 2) p.lowRatings += 1;
    }
    if (v.followUpSatisfied !== undefined) {
      p.followUps += 1;
      if (v.followUpSatisfied) p.followUpsSatisfied += 1;
    }
  }
  return [...by.values()]
    .map(({ ratingSum, ...p }) => ({
      ...p,
      onTimeRate: p.checkIns ? p.onTime / p.checkIns : null,
      avgRating: p.ratings ? Math.round((ratingSum / p.ratings) * 10) / 10 : null,
    }))
    .sort(byQuality);
}

/**
 * The ranking: the higher average rating first (unrated last), then the on-time rate, then
 * fewer low ratings, then more completed visits; the name settles ties so the order is stable.
 */
export function byQuality(a: ProviderQuality, b: ProviderQuality): number {
  return (
    (b.avgRating ?? -1) - (a.avgRating ?? -1) ||
    (b.onTimeRate ?? -1) - (a.onTimeRate ?? -1) ||
    a.lowRatings - b.lowRatings ||
    b.completed - a.completed ||
    a.name.localeCompare(b.name, 'zh') ||
    a.providerUserId.localeCompare(b.providerUserId)
  );
}
