/**
 * Dispatch suggestions: the district's providers with their open visits that day, fewest
 * first. Given the visit's item (or category) and community, the providers who do that kind
 * of work there come first, flagged `fits`; the others follow (the desk shows them behind
 * 「更多服务人员」). Queries: User {role} and ServiceOrder {day}, both equality on an index.
 */
import { OPEN_SERVICE_STATUSES, SuggestionsQuerySchema } from '@yiyangtong/shared';
import { User } from '../accounts/model';
import type { Api } from '../core/route';
import { ServiceOrder, type ServiceOrderDoc } from './model';
import { findItem } from './service';

export function suggestionRoutes(api: Api): void {
  api.add({
    method: 'get',
    path: '/api/providers/suggestions',
    tag: 'services',
    summary:
      '派单建议：服务人员及其当天未完成的上门服务数；给了项目/类别时，做这类服务、服务本社区的人在前（fits），其余在后，各自少的在前',
    access: ['worker', 'admin'],
    otherStatuses: [404],
    query: SuggestionsQuerySchema,
    handler: async ({ query, actor }) => {
      const category = query.itemId ? (await findItem(query.itemId)).category : query.category;
      const community = actor.role === 'worker' ? actor.communityId : query.communityId;
      const [providers, visits] = await Promise.all([
        User.find({ role: 'provider' }).limit(200).lean(),
        ServiceOrder.find({ day: query.date }).limit(5000).lean<ServiceOrderDoc[]>(),
      ]);
      const open = new Map<string, number>();
      for (const v of visits) {
        if (v.provider && OPEN_SERVICE_STATUSES.includes(v.status))
          open.set(v.provider.userId, (open.get(v.provider.userId) ?? 0) + 1);
      }
      // Without item/category/community the old behaviour: everyone fits, fewest visits first.
      const filtered = Boolean(query.itemId || query.category || query.communityId);
      const items = providers
        .map((p) => {
          const doesIt = !category || (p.serviceCategories ?? []).includes(category);
          const servesThere = !filtered || !community || (p.communityIds ?? []).includes(community);
          return {
            userId: String(p._id),
            name: p.name,
            ...(p.providerId ? { providerId: p.providerId } : {}),
            serviceCategories: p.serviceCategories ?? [],
            communityIds: p.communityIds ?? [],
            fits: doesIt && servesThere,
            openVisits: open.get(String(p._id)) ?? 0,
          };
        })
        .sort(
          (a, b) =>
            Number(b.fits) - Number(a.fits) ||
            a.openVisits - b.openVisits ||
            a.name.localeCompare(b.name, 'zh'),
        );
      return { date: query.date, ...(category ? { category } : {}), items };
    },
  });
}
