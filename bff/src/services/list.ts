import { chinaDate, type ServiceStatus } from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { daysNewestFirst, walkNewestFirst } from '../db/newest-first';
import { FamilyLink } from '../elders/model';
import { ServiceOrder, type ServiceOrderDoc } from './model';

const LIMIT = 200;

/**
 * The visits a caller may see, by equality queries on indexed fields only:
 * provider {providerUserId[, day]}; worker {communityId[, status]}; admin {status} or all;
 * elder/family {elderId[, status]} per visible elder. Newest first. Without a narrower key a
 * worker's or admin's list walks visit days ({communityId, day} / {day}), newest first: a
 * community's whole history is never read at once.
 */
export async function listVisits(
  actor: Actor,
  q: { elderId?: string; status?: ServiceStatus; date?: string },
  now: Date = new Date(),
): Promise<ServiceOrderDoc[]> {
  const byDay = (scope: Record<string, unknown>) =>
    walkNewestFirst(
      daysNewestFirst(chinaDate(now), 30, 90).map((day) => ({ ...scope, day })),
      (f) => ServiceOrder.find(f).limit(2000).lean<ServiceOrderDoc[]>(),
      LIMIT,
    );
  const status = q.status ? { status: q.status } : {};
  const run = (filter: Record<string, unknown>) =>
    ServiceOrder.find(filter).sort({ _id: -1 }).limit(LIMIT).lean<ServiceOrderDoc[]>();
  const keep = (docs: ServiceOrderDoc[]) =>
    docs.filter((d) => (!q.status || d.status === q.status) && (!q.date || d.day === q.date));
  switch (actor.role) {
    case 'provider': {
      const docs = await run({ providerUserId: actor.id, ...(q.date ? { day: q.date } : {}) });
      return keep(docs).filter((d) => !q.elderId || d.elderId === q.elderId);
    }
    case 'worker':
      if (!actor.communityId) return [];
      if (q.elderId) return keep(await run({ elderId: q.elderId, ...status }));
      if (q.status) return keep(await run({ communityId: actor.communityId, ...status }));
      return keep(await byDay({ communityId: actor.communityId }));
    case 'admin':
      if (q.elderId) return keep(await run({ elderId: q.elderId, ...status }));
      return keep(q.status ? await run(status) : await byDay({}));
    case 'elder':
      return actor.elderId ? keep(await run({ elderId: actor.elderId, ...status })) : [];
    case 'family': {
      const elderIds = q.elderId
        ? [q.elderId]
        : (await FamilyLink.find({ familyUserId: actor.id }).limit(50).lean()).map((l) => l.elderId);
      const lists = await Promise.all(elderIds.map((elderId) => run({ elderId, ...status })));
      return keep(lists.flat()).sort((a, b) => (String(a._id) < String(b._id) ? 1 : -1));
    }
    default:
      return [];
  }
}
