/** Server-state helpers the task pages share. */
import { useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { useQuery } from '@tanstack/react-query';
import { ApiError, api, getToken } from './client';
import { qk } from './query-keys';

/** A 4xx answer will not change on retry; network failures and 5xx may. */
export const noRetryOn4xx = (count: number, err: Error) =>
  !(err instanceof ApiError && err.status >= 400 && err.status < 500) && count < 1;

/**
 * The signed-in user's full profile (GET /api/me), re-read when the page is shown again.
 * Not ['me', token]: the login page seeds that key with the login answer ({id, role, name}),
 * which lacks elderId/communityId/canteenId.
 */
export function useProfile() {
  const [token, setTokenState] = useState(getToken());
  useDidShow(() => setTokenState(getToken()));
  const me = useQuery({
    queryKey: qk('me', token, 'profile'),
    queryFn: api.me,
    enabled: !!token,
  });
  return { token, me };
}

/** Joins the class names that apply. */
export function cls(...names: (string | false | null | undefined)[]): string {
  return names.filter(Boolean).join(' ');
}
