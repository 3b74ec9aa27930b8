/**
 * 服务质量 per provider over a period: the visits scheduled in it, read a day at a time by an
 * indexed equality key ({day}, or {communityId, day} for a worker's community), then the pure
 * `providerQuality` of shared/ ranks them.
 */
import { addDays, providerQuality, type QualityVisit } from '@yiyangtong/shared';
import { ServiceOrder, type ServiceOrderDoc } from '../services/model';

const DAYS_AT_ONCE = 8;
const FIELDS = 'providerUserId provider status scheduledAt checkIn review rating followUp';

type Visit = Pick<
  ServiceOrderDoc,
  'providerUserId' | 'provider' | 'status' | 'scheduledAt' | 'checkIn' | 'review' | 'rating' | 'followUp'
>;

export async function providerReport(from: string, to: string, communityId?: string) {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  const visits: Visit[] = [];
  for (let i = 0; i < days.length; i += DAYS_AT_ONCE) {
    const lists = await Promise.all(
      days
        .slice(i, i + DAYS_AT_ONCE)
        .map((day) =>
          ServiceOrder.find(communityId ? { communityId, day } : { day }, FIELDS).lean<Visit[]>(),
        ),
    );
    visits.push(...lists.flat());
  }
  return { from, to, ...(communityId ? { communityId } : {}), items: providerQuality(visits.map(toQuality)) };
}

function toQuality(v: Visit): QualityVisit {
  return {
    providerUserId: v.providerUserId,
    providerName: v.provider?.name,
    status: v.status,
    scheduledAt: v.scheduledAt,
    ...(v.checkIn ? { checkInAt: v.checkIn.at, farFromHome: v.checkIn.farFromHome } : {}),
    ...(v.review ? { reviewState: v.review.state } : {}),
    ...(v.rating ? { ratingScore: v.rating.score } : {}),
    ...(v.followUp ? { followUpSatisfied: v.followUp.satisfied } : {}),
  };
}
