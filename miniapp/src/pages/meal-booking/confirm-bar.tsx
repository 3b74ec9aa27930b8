/** Fixed to the bottom: the total and 确认订餐 on the first screen, however long the menu. */
import { Text, View } from '@tarojs/components';
import { plainError } from '../../api/client';
import { formatYuan } from '../../format';
import { cls } from '../../api/profile';
import { Btn } from '../../components/ui';
import type { BookingDraft } from './use-booking-draft';
import type { useBookMeal } from './use-book-meal';

type Booking = ReturnType<typeof useBookMeal>;

/** The server's no to 确认订餐, in plain words; in the bar, a network error asks for one more tap. */
export function BookError({ booking, inBar }: { booking: Booking; inBar?: boolean }) {
  if (!booking.error) return null;
  return (
    <View className="meal__book-error">
      <Text className="error-box">{plainError(booking.error)}</Text>
      {inBar && booking.networkRetry && (
        <Text className="hint meal__note">请再点一次「确认订餐」，不会重复下单。</Text>
      )}
    </View>
  );
}

export function ConfirmBar({ draft, booking }: { draft: BookingDraft; booking: Booking }) {
  const quoted = draft.quote.data;
  return (
    <View className="meal__bar">
      <BookError booking={booking} inBar />
      <View className="meal__bar-row">
        <View className="meal__bar-total">
          <Text className="meal__bar-label">应付</Text>
          <Text className="meal__bar-amount">{quoted ? formatYuan(quoted.payable) : '计算中…'}</Text>
        </View>
        <Btn
          className={cls('meal__confirm', (booking.busy || !quoted) && 'btn--busy')}
          // No `disabled`: platform styles would fade the text; confirm() ignores taps while busy.
          onClick={booking.confirm}
        >
          {booking.busy ? '正在提交…' : '确认订餐'}
        </Btn>
      </View>
    </View>
  );
}
