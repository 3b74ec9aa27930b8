/** 6. 取餐方式: the ways this canteen offers (堂食 / 自取 / 送餐上门). */
import { Text, View } from '@tarojs/components';
import { fulfilmentLabel } from '../../format';
import { Choice, Section, type StepProps } from './step-parts';

export function FulfilmentStep({ draft, choose }: StepProps) {
  const { fulfilment, elder } = draft;
  return (
    <Section step={6} title="取餐方式">
      <View className="meal__row">
        {draft.offered.map((f) => (
          <Choice
            key={f}
            selected={f === fulfilment}
            label={fulfilmentLabel(f)}
            onClick={() => choose({ type: 'fulfilment', fulfilment: f })}
          />
        ))}
      </View>
      {fulfilment === 'delivery' && (
        <Text className="hint meal__note">
          送到长者登记的地址{elder?.address ? `：${elder.address}` : ''}
        </Text>
      )}
    </Section>
  );
}
