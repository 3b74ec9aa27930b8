/** 5. 选菜品: a −/+ stepper per dish, never more than is left. */
import { Text, View } from '@tarojs/components';
import type { MenuSlot } from '../../api/meals';
import { formatYuan } from '../../format';
import { cls } from '../../api/profile';
import { Btn } from '../../components/ui';
import { Section, type StepProps } from './step-parts';

export function DishesStep({ draft, meal, choose }: StepProps & { meal: MenuSlot }) {
  const { qty, repeatMissing } = draft;
  return (
    <Section step={5} title="选菜品">
      {meal.items.length === 0 && <Text className="text">这一餐的菜单还没有发布。</Text>}
      {repeatMissing && <Text className="text meal__repeat">已按上次的菜选好，可以直接确认。</Text>}
      {repeatMissing && repeatMissing.length > 0 && (
        <Text className="error-box">
          上次的「{repeatMissing.join('、')}」这一餐没有了或份数不够，换一道吧。
        </Text>
      )}
      {meal.items.map((i) => {
        const n = qty[i.dishId] || 0;
        const soldOut = i.remaining <= 0;
        const add = (delta: 1 | -1) => choose({ type: 'dish', dishId: i.dishId, delta });
        return (
          <View key={i.dishId} className={cls('meal__dish', soldOut && 'meal__dish--out')}>
            <View className="meal__dish-info">
              <Text className="meal__dish-name">{i.name}</Text>
              <View className="meal__dish-meta">
                <Text className="meal__dish-price">{formatYuan(i.price)}</Text>
                {soldOut ? (
                  <Text className="meal__dish-out">已售完</Text>
                ) : (
                  <Text className="meal__dish-left">剩 {i.remaining} 份</Text>
                )}
              </View>
            </View>
            <View className="meal__stepper">
              <Btn
                className={cls('stepper-btn meal__step', n === 0 && 'meal__step--off')}
                disabled={n === 0}
                onClick={() => add(-1)}
                label={`减一份 ${i.name}`}
              >
                −
              </Btn>
              <Text className="stepper-qty meal__qty">{n}</Text>
              <Btn
                className={cls('stepper-btn meal__step', (soldOut || n >= i.remaining) && 'meal__step--off')}
                disabled={soldOut || n >= i.remaining}
                onClick={() => add(1)}
                label={`加一份 ${i.name}`}
              >
                +
              </Btn>
            </View>
          </View>
        );
      })}
    </Section>
  );
}
