/** Pieces the visit pages share: the price breakdown and a visit's timeline. */
import { Text, View } from '@tarojs/components';
import type { Pricing } from '../api/meals';
import { chinaDateTime, type Visit } from '../api/services';
import { formatDiscount, formatYuan, funderLabel } from '../format';

export function ServicePrice({ pricing }: { pricing: Pricing }) {
  return (
    <View className="care__card" aria-label="价格明细">
      <View className="care__row">
        <Text>原价</Text>
        <Text>{formatYuan(pricing.subtotal)}</Text>
      </View>
      {pricing.discounts.map((d) => (
        <View key={d.ruleId} className="care__row">
          <Text>
            {d.name}（{funderLabel(d.fundedBy)}）
          </Text>
          <Text>{formatDiscount(d.amount)}</Text>
        </View>
      ))}
      <View className="care__row care__strong">
        <Text>应付</Text>
        <Text>{formatYuan(pricing.payable)}</Text>
      </View>
    </View>
  );
}

export function Timeline({ visit }: { visit: Visit }) {
  return (
    <View className="care__timeline">
      {visit.timeline.map((t, i) => (
        <Text key={i} className="hint">
          {chinaDateTime(t.at)} {t.by.name} {ACTION_TEXT[t.action] ?? t.action}
          {t.note ? `：${t.note}` : ''}
        </Text>
      ))}
    </View>
  );
}

const ACTION_TEXT: Record<string, string> = {
  request: '预约',
  dispatch: '派单给',
  accept: '接单',
  reject: '拒单',
  check_in: '到达签到',
  check_out: '服务完成',
  rate: '评价',
  follow_up: '回访',
  cancel: '取消',
  decline: '退回',
  review: '审核',
};
