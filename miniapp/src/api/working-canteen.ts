import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { mealApi } from './meals';
import { qk } from './query-keys';

/**
 * The canteen a staff page works at: canteen staff at their own; an admin picks one first
 * (`canteens` lists them for <CanteenChoices>, `pick` sets it); anyone else none ('').
 */
export function useWorkingCanteen(profile: { role?: string; canteenId?: unknown } | undefined) {
  const role = profile?.role;
  const [picked, pick] = useState('');
  const canteens = useQuery({
    queryKey: qk('canteens', null, null),
    queryFn: () => mealApi.canteens(),
    enabled: role === 'admin',
  });
  const canteenId =
    role === 'canteen_staff'
      ? ((profile?.canteenId as string | undefined) ?? '')
      : role === 'admin'
        ? picked
        : '';
  return { canteenId, canteens, pick };
}
