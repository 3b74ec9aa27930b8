/**
 * A meal the elder already has (any canteen, or booked meanwhile: 409 ALREADY_BOOKED) is said
 * first — 查看这份订单 / 再订一份 — and a second one, chosen on purpose, says it is charged in full.
 */
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import type { MealOrder } from '../../api/meals';
import { dateLabel, slotLabel } from '../../format';
import { Btn } from '../../components/ui';
import type { StepProps } from './step-parts';
import type { BookingDraft } from './use-booking-draft';
import { dayWordOf } from './day-step';

/** 今天 / 明天 / 后天 / 12月6日, for "您已订了明天午餐". */
const dayOf = (draft: BookingDraft) =>
  dayWordOf(draft.date, draft.today) || dateLabel(draft.date).split(' ')[0];

const itemsLine = (o: MealOrder) => o.items.map((i) => `${i.name} ×${i.qty}`).join('、');

export function AlreadyBooked({ draft, choose }: StepProps) {
  const { existing, elderId } = draft;
  return (
    <View className="meal__booked card" {...{ role: 'group', 'aria-label': '已订过这一餐' }}>
      <Text className="card__title meal__booked-title">
        {draft.role === 'elder' ? '您' : draft.elder?.name}已订了{dayOf(draft)}
        {slotLabel(draft.slot)}
      </Text>
      {existing && (
        <Text className="text">
          {itemsLine(existing)}
          {existing.bookedBy.userId !== draft.user?.id && existing.bookedBy.name
            ? `（${existing.bookedBy.name} 订的）`
            : ''}
        </Text>
      )}
      {existing && existing.pricing.discounts.length > 0 && (
        <Text className="hint">再订一份没有补贴：每人每餐只补贴一份。</Text>
      )}
      <Btn
        onClick={() =>
          void Taro.navigateTo({
            url: `/pages/my-orders/my-orders?elderId=${encodeURIComponent(elderId)}`,
          })
        }
      >
        查看这份订单
      </Btn>
      <Btn className="btn--secondary" onClick={() => choose({ type: 'additional' })}>
        再订一份
      </Btn>
    </View>
  );
}

export function SecondMealNote({ draft }: { draft: BookingDraft }) {
  return (
    <Text className="text meal__additional">
      这是{dayOf(draft)}
      {slotLabel(draft.slot)}的第二份，照常收费（每人每餐限补贴一份）。
    </Text>
  );
}
