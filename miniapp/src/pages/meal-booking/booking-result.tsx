/** After 确认订餐: the 取餐码 (or where it is delivered), the order's details and its price breakdown. */
import type { ReactNode } from 'react';
import { Text, View } from '@tarojs/components';
import type { MealOrder } from '../../api/meals';
import { dateLabel, formatYuan, fulfilmentLabel, slotLabel } from '../../format';
import { Btn, HomeButton, PriceBreakdown } from '../../components/ui';
import { PageTop } from '../../components/page-top';
import type { BookingDraft } from './use-booking-draft';
import { dayWordOf } from './day-step';

function Fact({ name, children }: { name: string; children: ReactNode }) {
  return (
    <View className="meal__fact">
      <Text className="meal__fact-name">{name}</Text>
      <Text className="meal__fact-value">{children}</Text>
    </View>
  );
}

export function BookingResult(props: { draft: BookingDraft; result: MealOrder; onAgain: () => void }) {
  const { draft, result } = props;
  const { role, user, today } = draft;
  const bookedBySomeoneElse = role !== 'elder' || result.bookedBy.userId !== user?.id;
  const bookerName =
    result.bookedBy.name || (result.bookedBy.userId === user?.id ? user?.name : '') || '他人';
  const canteenName = draft.canteens.data?.items.find((c) => c.id === result.canteenId)?.name || '';
  const dayWord = dayWordOf(result.date, today);
  const delivered = result.fulfilment === 'delivery';
  return (
    <View className={role === 'elder' ? 'page page--elder meal' : 'page meal'}>
      <PageTop />
      <View className="meal__success">
        <Text className="meal__success-title">订餐成功</Text>
        {delivered ? (
          <Text className="text">
            送餐上门：到时送到{result.address ? ` ${result.address}` : '登记的地址'}。
          </Text>
        ) : (
          <View>
            <Text className="meal__code-label">取餐码</Text>
            <Text className="meal__code pickup-code">{result.pickupCode}</Text>
            <Text className="hint">取餐时请出示或报出取餐码。</Text>
          </View>
        )}
      </View>

      <View className="meal__facts">
        <Fact name="长者">{result.elderName || draft.elder?.name}</Fact>
        <Fact name="日期">
          {dayWord && `${dayWord} `}
          {dateLabel(result.date)}
        </Fact>
        <Fact name="餐次">{slotLabel(result.slot)}</Fact>
        <Fact name="食堂">{canteenName}</Fact>
        <Fact name="方式">
          {fulfilmentLabel(result.fulfilment)}
          {result.address ? `（${result.address}）` : ''}
        </Fact>
        {result.items.map((i) => (
          <Fact key={i.dishId} name={i.name}>
            {i.qty} 份 × {formatYuan(i.price)}
          </Fact>
        ))}
      </View>

      <PriceBreakdown pricing={result.pricing} />

      {result.payment && result.payment.amount > 0 && (
        <Text className="text meal__paid">
          {result.payment.method === 'card'
            ? `已从助餐卡付 ${formatYuan(result.payment.amount)}`
            : delivered
              ? `送到时付 ${formatYuan(result.payment.amount)}`
              : `到店付：取餐时付 ${formatYuan(result.payment.amount)}`}
        </Text>
      )}

      {bookedBySomeoneElse && <Text className="text meal__booked-by">由 {bookerName} 代订</Text>}

      <Btn onClick={props.onAgain}>再订一餐</Btn>
      <HomeButton />
    </View>
  );
}
