/**
 * Under each canteen of the booking list: which meals of today and tomorrow can still be
 * booked, in words and colour — 可订 (green) / 已订完 (red) / 已截止 (grey) — from the
 * canteen list's `upcoming` (GET /api/canteens). A 已订完 or 已截止 meal cannot be chosen
 * further down the page either.
 */
import { Text, View } from '@tarojs/components';
import type { Canteen, SlotAvailability } from '../../api/meals';
import { slotLabel } from '../../format';

export const AVAILABILITY_WORDS: Record<SlotAvailability, string> = {
  open: '可订',
  sold_out: '已订完',
  closed: '已截止',
};

export function SlotStates({ canteen, today }: { canteen: Canteen; today: string }) {
  const upcoming = canteen.upcoming ?? [];
  if (upcoming.length === 0) return null;
  const days = [...new Set(upcoming.map((u) => u.date))];
  return (
    <View className="slot-states" {...{ role: 'group', 'aria-label': `${canteen.name} 各餐能否预订` }}>
      {days.map((date) => (
        <View key={date} className="slot-states__day">
          <Text className="slot-states__when">{date === today ? '今天' : '明天'}</Text>
          {upcoming
            .filter((u) => u.date === date)
            .map((u) => (
              <Text key={u.slot} className={`slot-state slot-state--${u.availability}`}>
                {slotLabel(u.slot)} {AVAILABILITY_WORDS[u.availability]}
              </Text>
            ))}
        </View>
      ))}
    </View>
  );
}
