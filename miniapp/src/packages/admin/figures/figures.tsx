/**
 * 辖区数据 (admin): the district's figures for a period (GET /api/reports/summary) as
 * numbers with simple bar charts; every bar has its number printed beside it.
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useQuery } from '@tanstack/react-query';
import { noRetryOn4xx, useProfile } from '../../../api/profile';
import { adminApi, type Summary } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import { Choice, ErrorBox, Loading, Section, HomeButton } from '../../../components/ui';
import { addDays, chinaDate, formatYuan } from '../../../format';
import { PageTop } from '../../../components/page-top';

const PERIODS = [
  { days: 7, label: '近7天' },
  { days: 30, label: '近30天' },
];

function Bar({ label, value, max, text }: { label: string; value: number; max: number; text: string }) {
  const pct = max > 0 ? Math.max(0, Math.min(100, Math.round((value / max) * 100))) : 0;
  return (
    <View className="bar">
      <View className="bar__label">
        <Text>{label}</Text>
        <Text className="bar__value">{text}</Text>
      </View>
      <View className="bar__track" {...{ 'aria-hidden': 'true' }}>
        <View className="bar__fill" style={{ width: `${pct}%` }} />
      </View>
    </View>
  );
}

function Figures({ s }: { s: Summary }) {
  const meals = Math.max(s.mealOrders, s.mealsServed, 1);
  return (
    <View>
      <Section title="助餐">
        <Bar label="订餐" value={s.mealOrders} max={meals} text={`${s.mealOrders} 单`} />
        <Bar label="已取餐" value={s.mealsServed} max={meals} text={`${s.mealsServed} 份`} />
        <View className="table-row">
          <Text>政府补贴</Text>
          <Text className="figures__subsidy">{formatYuan(s.subsidyTotal)}</Text>
        </View>
      </Section>
      <Section title="上门服务">
        <Bar
          label="服务单"
          value={s.serviceOrders}
          max={Math.max(s.serviceOrders, 1)}
          text={`${s.serviceOrders} 单`}
        />
        <View className="table-row">
          <Text>服务时长</Text>
          <Text>{s.serviceHours} 小时</Text>
        </View>
        <Bar
          label="满意度"
          value={s.satisfactionRate ?? 0}
          max={1}
          text={s.satisfactionRate === null ? '暂无评价' : `${Math.round(s.satisfactionRate * 1000) / 10}%`}
        />
      </Section>
      <Section title="紧急呼叫">
        <View className="table-row">
          <Text>呼叫次数</Text>
          <Text>{s.sosCount} 次</Text>
        </View>
        <View className="table-row">
          <Text>响应时间（中位数）</Text>
          <Text>{s.sosMedianAckSeconds === null ? '暂无' : `${Math.round(s.sosMedianAckSeconds)} 秒`}</Text>
        </View>
      </Section>
    </View>
  );
}

export default function FiguresPage() {
  const { token, me } = useProfile();
  const role = me.data?.role;
  const allowed = role === 'admin' || role === 'worker';
  const [days, setDays] = useState(30);
  const to = chinaDate(Date.now());
  const from = addDays(to, -(days - 1));
  const summary = useQuery({
    queryKey: ['summary', from, to],
    queryFn: () => adminApi.summary(from, to),
    enabled: allowed,
    retry: noRetryOn4xx,
  });

  const gate = profileGate({
    title: '辖区数据',
    pageClass: 'figures',
    leadClass: 'figures__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: allowed ? null : '只有管理员和社区助老员可以查看数据。',
  });
  if (gate) return gate;

  return (
    <View className="page figures">
      <PageTop />
      <Text className="title">辖区数据</Text>
      <View className="row">
        {PERIODS.map((p) => (
          <Choice key={p.days} selected={p.days === days} label={p.label} onClick={() => setDays(p.days)} />
        ))}
      </View>
      <Text className="hint">
        {from} 至 {to}
      </Text>
      {summary.isPending && <Loading what="数据" />}
      {summary.isError && <ErrorBox message={summary.error.message} onRetry={() => summary.refetch()} />}
      {summary.data && <Figures s={summary.data} />}
      <HomeButton />
    </View>
  );
}
