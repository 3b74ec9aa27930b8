/** 确认订餐: one booking attempt per selection, retried with the same Idempotency-Key. */
import { useRef } from 'react';
import Taro from '@tarojs/taro';
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { mealApi, newIdempotencyKey, type QuoteBody } from '../../api/meals';
import { qk } from '../../api/query-keys';
import { STARTS_OVER, type BookingDraft, type DraftAction, type Payment } from './use-booking-draft';

export function useBookMeal(draft: BookingDraft) {
  const queryClient = useQueryClient();
  const refresh = (queryKey: QueryKey) => void queryClient.invalidateQueries({ queryKey });
  const { act, body, canteenId, date } = draft;
  // One Idempotency-Key per booking attempt, kept for retries of the same selection.
  const attempt = useRef<{ sig: string; key: string } | null>(null);
  const book = useMutation({
    mutationFn: (v: { body: QuoteBody & { payment: Payment; additional?: boolean }; key: string }) =>
      mealApi.book(v.body, v.key),
    onSuccess: (order) => {
      attempt.current = null;
      act({ type: 'booked', order });
      refresh(qk('meal-card'));
      refresh(qk('menu'));
      refresh(qk('quote'));
      refresh(qk('meal-orders'));
      void Taro.pageScrollTo({ scrollTop: 0, duration: 0 }).catch(() => undefined);
    },
    onError: (err) => {
      if (!(err instanceof ApiError)) return;
      // The server answered no: the next tap is a new attempt. A network error or 5xx may
      // have placed the order, so the key stays for the retry.
      if (err.status >= 400 && err.status < 500) attempt.current = null;
      if (err.code === 'ALREADY_BOOKED') {
        // Booked meanwhile (another device, a family member): the same choice as before.
        act({ type: 'booked-meanwhile', orderId: String(err.details.orderId ?? '-') });
        refresh(qk('meal-orders'));
        return;
      }
      if (err.status === 409) {
        refresh(qk('menu', canteenId, date));
        refresh(qk('quote'));
      }
    },
  });

  /** A choice in a step: the last answer no longer applies; a new selection is a new attempt. */
  const choose = (action: DraftAction) => {
    book.reset();
    if (STARTS_OVER.includes(action.type)) attempt.current = null;
    act(action);
  };

  const confirm = () => {
    if (!body || book.isPending || !draft.quote.data || draft.alreadyBooked) return;
    const sent = { ...body, payment: draft.payment, ...(draft.additional ? { additional: true } : {}) };
    const sig = JSON.stringify(sent);
    if (!attempt.current || attempt.current.sig !== sig) attempt.current = { sig, key: newIdempotencyKey() };
    book.mutate({ body: sent, key: attempt.current.key });
  };

  // ALREADY_BOOKED is said by the 已订过 card, not as an error.
  const error = book.error instanceof ApiError && book.error.code === 'ALREADY_BOOKED' ? null : book.error;
  const networkRetry = error instanceof ApiError && (error.status === 0 || error.status >= 500);
  return { choose, confirm, busy: book.isPending, error, networkRetry };
}
