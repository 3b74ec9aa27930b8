/** 8. 怎么付钱: 助餐卡 (its balance shown; 去充值 when short) or pay when the meal is handed over. */
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { formatYuan } from '../../format';
import { Btn } from '../../components/ui';
import { Choice, Section, type StepProps } from './step-parts';

export function PaymentStep({ draft, payable, choose }: StepProps & { payable: number }) {
  const { payment, balance } = draft;
  const cardTooSmall = payment === 'card' && balance !== undefined && balance < payable;
  const delivery = draft.fulfilment === 'delivery';
  return (
    <Section step={8} title="怎么付钱">
      <View className="meal__row">
        <Choice
          selected={payment === 'card'}
          label="助餐卡"
          sub={balance === undefined ? '' : `余额 ${formatYuan(balance)}`}
          onClick={() => choose({ type: 'payment', payment: 'card' })}
        />
        <Choice
          selected={payment === 'counter'}
          label={delivery ? '送到时付' : '到店付'}
          sub={delivery ? '送餐时付钱' : '取餐时付'}
          onClick={() => choose({ type: 'payment', payment: 'counter' })}
        />
      </View>
      {cardTooSmall && (
        <View>
          <Text className="error-box">
            卡上余额 {formatYuan(balance || 0)}，不够这餐 {formatYuan(payable)}
            。请先充值，或选「到店付」。
          </Text>
          <Btn
            className="btn--secondary"
            onClick={() =>
              void Taro.navigateTo({
                url: `/pages/meal-card/meal-card?elderId=${encodeURIComponent(draft.elderId)}`,
              })
            }
          >
            去充值
          </Btn>
        </View>
      )}
      {payment === 'card' && !cardTooSmall && (
        <Text className="hint meal__note">确认后从助餐卡扣 {formatYuan(payable)}；取消订餐会退回卡上。</Text>
      )}
    </Section>
  );
}
