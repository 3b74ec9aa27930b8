/** 统计 (admin: the district; worker: own community), from the server's daily counters. */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useQuery } from '@tanstack/react-query';
import { noRetryOn4xx, useProfile } from '../../api/profile';
import { reportApi } from '../../api/services';
import { goHome, profileGate } from '../../components/profile-gate';
import { Tap } from '../../components/tap';
import { addDays, chinaDate, formatYuan } from '../../format';
import '../../components/care.scss';

const STATUS: Record<string, string> = {
  requested: '待派单',
  dispatched: '已派单',
  accepted: '已接单',
  in_service: '服务中',
  completed: '已完成',
  rated: '已评价',
  followed_up: '已回访',
  cancelled: '已取消',
  rejected: '已拒单',
};
const pct = (r: number | null) => (r === null ? '暂无' : `${(r * 100).toFixed(1)}%`);

function Figure({ name, value }: { name: string; value: string }) {
  return (
    <View className="care__figure" aria-label={`${name} ${value}`}>
      <Text>{name}</Text>
      <Text className="care__strong">{value}</Text>
    </View>
  );
}

export default function FiguresPage() {
  const { token, me } = useProfile();
  const ready = me.data?.role === 'admin' || me.data?.role === 'worker';
  const today = chinaDate(new Date());
  const ranges = [
    { key: '30', label: '近30天', from: addDays(today, -29), to: today },
    { key: 'month', label: '本月', from: `${today.slice(0, 7)}-01`, to: today },
  ];
  const [key, setKey] = useState('30');
  const range = ranges.find((r) => r.key === key) ?? ranges[0];
  const s = useQuery({
    queryKey: ['summary', range.from, range.to],
    queryFn: () => reportApi.summary(range.from, range.to),
    enabled: ready,
    retry: noRetryOn4xx,
  });
  const gate = profileGate({
    title: '统计',
    pageClass: 'figures',
    leadClass: 'figures__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: me.data && !ready ? '统计供管理员和社区助老员查看。' : null,
  });
  if (gate) return gate;
  const d = s.data;
  return (
    <View className="page figures">
      <Text className="title">{me.data?.role === 'admin' ? '全区统计' : '本社区统计'}</Text>
      <View className="care__choices">
        {ranges.map((r) => (
          <Tap
            key={r.key}
            label={r.label}
            kind="secondary"
            selected={key === r.key}
            onTap={() => setKey(r.key)}
          />
        ))}
      </View>
      <Text className="hint">
        {range.from} 至 {range.to}
      </Text>
      {s.isError && <Text className="error-box">{s.error.message}</Text>}
      {d && (
        <View className="care__section">
          <Figure name="助餐订单" value={`${d.mealOrders} 单`} />
          <Figure name="已取餐" value={`${d.mealsServed} 份`} />
          <Figure name="助餐补贴" value={formatYuan(d.subsidyTotal)} />
          <Figure name="上门服务" value={`${d.serviceOrders} 单`} />
          {Object.entries(d.serviceOrdersByStatus).map(([k, n]) => (
            <Figure key={k} name={`· ${STATUS[k] ?? k}`} value={`${n} 单`} />
          ))}
          <Figure name="服务时长" value={`${d.serviceHours} 小时`} />
          <Figure name="评价满意率（4分以上）" value={pct(d.satisfactionRate)} />
          <Figure name="回访满意率" value={pct(d.followUpSatisfactionRate)} />
          <Figure name="紧急呼叫" value={`${d.sosCount} 次`} />
          <Figure
            name="响应用时中位数"
            value={d.sosMedianAckSeconds === null ? '暂无' : `${Math.round(d.sosMedianAckSeconds)} 秒`}
          />
        </View>
      )}
      <Tap label="返回首页" kind="secondary" onTap={goHome} />
    </View>
  );
}
