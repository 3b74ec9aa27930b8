/** 4. 哪一餐: each meal of the day, with why one cannot be chosen and the cut-off of the one chosen. */
import { Text, View } from '@tarojs/components';
import { cutoffText, slotLabel } from '../../format';
import { Btn } from '../../components/ui';
import { isPast, isSoldOut } from './use-booking-draft';
import { Choice, Section, type StepProps } from './step-parts';

export function SlotStep({ draft, choose }: StepProps) {
  const { menu, slots, slot, slotData } = draft;
  return (
    <Section step={4} title="哪一餐">
      {menu.isPending && <Text className="text">正在加载菜单…</Text>}
      {menu.isError && (
        <View>
          <Text className="error-box">{menu.error.message}</Text>
          <Btn className="btn--secondary" onClick={() => menu.refetch()}>
            重新加载菜单
          </Btn>
        </View>
      )}
      {menu.data && slots.length === 0 && <Text className="text">这个食堂这天不供餐。</Text>}
      {slots.length > 0 && (
        <View className="meal__row">
          {slots.map((s) => {
            const past = isPast(s);
            const empty = s.items.length === 0;
            const soldOut = isSoldOut(s);
            return (
              <Choice
                key={s.slot}
                selected={s.slot === slot}
                disabled={past || empty || soldOut}
                label={slotLabel(s.slot)}
                sub={past ? '已截止' : empty ? '未发布' : soldOut ? '已订完' : undefined}
                onClick={() => {
                  if (s.slot !== slot) choose({ type: 'slot', slot: s.slot });
                }}
              />
            );
          })}
        </View>
      )}
      {slotData && (
        <Text className="text meal__cutoff">{cutoffText(slotData.slot, draft.date, slotData.cutoffAt)}</Text>
      )}
      {slotData && isPast(slotData) && (
        <Text className="error-box">这一餐已过订餐截止时间，请选其他餐次或日期。</Text>
      )}
    </Section>
  );
}
