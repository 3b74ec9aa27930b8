import { useQuery } from '@tanstack/react-query';
import type { User } from '../api/client';
import { mealApi } from '../api/meals';
import { qk } from '../api/query-keys';

/**
 * The elders an elder or family user acts for: the elder themself (named `selfName`), or
 * the family user's linked elders. `ready` is whether this user is one of the two.
 */
export function useMyElders(user: User | undefined, selfName: string) {
  const role = user?.role;
  const family = useQuery({
    queryKey: qk('family-elders'),
    queryFn: mealApi.familyElders,
    enabled: role === 'family',
  });
  const elders =
    role === 'elder' && user?.elderId
      ? [{ id: String(user.elderId), name: selfName }]
      : (family.data?.items ?? []).map((e) => ({ id: e.id, name: e.name }));
  return { ready: role === 'elder' || role === 'family', role, elders };
}
