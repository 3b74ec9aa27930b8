/**
 * 辖区数据 (admin: the district; worker: their own community): key numbers, trends by day or
 * week, the communities side by side, the subsidy by funder and satisfaction, as ECharts
 * charts. Everything is counted by the meal's date (the settlement's rule). Every chart's
 * numbers are also text: a spoken summary on the chart and the figures printed under it
 * (short lists visible, long series for screen readers only).
 */
import { useMemo, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useQuery } from '@tanstack/react-query';
import { useProfile } from '../../../api/profile';
import { ALARM_SOURCE_LABELS } from '@yiyangtong/shared/src/labels';
import { careApi, type CareSummary } from '../../../api/care';
import {
  reportsApi,
  type CommunityFigures,
  type Figures,
  type SummaryFigures,
  type TrendPoint,
} from '../../../api/reports';
import { profileGate } from '../../../components/profile-gate';
import { Choice, ErrorBox, HomeButton, Loading, Section } from '../../../components/ui';
import { chinaDate, fenToYuan, formatYuan, funderLabel } from '../../../format';
import { Chart } from './chart';
import type { ChartOption } from './echarts';
import { PERIODS, rangeOf, type PeriodKey } from './periods';
import './figures.scss';
import { PageTop } from '../../../components/page-top';
import { qk } from '../../../api/query-keys';

const pct = (r: number | null) => (r === null ? '暂无评价' : `${Math.round(r * 1000) / 10}%`);
const secs = (s: number | null) => (s === null ? '暂无' : `${Math.round(s)} 秒`);
const short = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
const pointName = (p: TrendPoint, by: 'day' | 'week') =>
  by === 'day' || p.start === p.end ? short(p.start) : `${short(p.start)}至${short(p.end)}`;

// High-contrast series colours, told apart by legend words too.
const BLUE = '#0b57d0';
const ORANGE = '#b3541e';
const GREEN = '#1e7b34';
const TEXT = { color: '#1a1a1a', fontSize: 16 };
const axes = (names: string[], units: string[]) => ({
  grid: { left: 8, right: 28, top: 48, bottom: 8, containLabel: true },
  legend: { top: 0, textStyle: TEXT, itemWidth: 24, itemHeight: 14 },
  xAxis: { type: 'category', data: names, axisLabel: TEXT },
  yAxis: units.map((u) => ({ type: 'value', name: u, nameTextStyle: TEXT, axisLabel: TEXT, minInterval: 1 })),
});

function Card({ label, value }: { label: string; value: string }) {
  return (
    <View className="kpi">
      <Text className="kpi__label">{label}</Text>
      <Text className="kpi__value">{value}</Text>
    </View>
  );
}

/** A chart's figures as text: visible lines (short lists) or for screen readers only (long series). */
function Numbers({ lines, visible }: { lines: string[]; visible?: boolean }) {
  return (
    <View className={visible ? 'chart-numbers' : 'sr-only'}>
      {lines.map((l) => (
        <Text key={l} className="chart-numbers__line">
          {l}
        </Text>
      ))}
    </View>
  );
}

function KeyFigures({ s }: { s: Figures }) {
  return (
    <View className="kpis">
      <Card label="订餐" value={`${s.mealOrders} 单`} />
      <Card label="已取餐" value={`${s.mealsServed} 份`} />
      <Card label="助餐补贴" value={formatYuan(s.subsidyTotal)} />
      <Card label="上门服务" value={`${s.serviceOrders} 单`} />
      <Card label="服务时长" value={`${s.serviceHours} 小时`} />
      <Card label="满意度" value={pct(s.satisfactionRate)} />
      <Card label="紧急呼叫" value={`${s.sosCount} 次`} />
      <Card label="响应用时中位数" value={secs(s.sosMedianAckSeconds)} />
    </View>
  );
}

/**
 * Care that reaches out: who raised the alarms (the elder, a care call, a courier), the 回访
 * tasks, and for a worker their community's care calls (due, made, reached, escalated, missed).
 */
function CareFigures({ s, calls }: { s: SummaryFigures; calls?: CareSummary }) {
  return (
    <Section title="关怀与回访" className="panel">
      <View className="kpis">
        {(['elder', 'care_call', 'delivery'] as const).map((src) => (
          <Card
            key={src}
            label={`呼叫来源：${ALARM_SOURCE_LABELS[src]}`}
            value={`${s.sosBySource?.[src] ?? 0} 次`}
          />
        ))}
        <Card label="回访任务" value={`${s.followUpTasks ?? 0} 个`} />
        <Card label="已回访" value={`${s.followUpTasksDone ?? 0} 个`} />
        <Card label="回访满意" value={`${s.followUpTasksSatisfied ?? 0} 个`} />
      </View>
      {calls && (
        <View className="kpis">
          <Card label="关怀电话应打" value={`${calls.due} 个`} />
          <Card label="关怀电话已打" value={`${calls.made} 个`} />
          <Card label="关怀电话接通" value={`${calls.reached} 个`} />
          <Card label="转为紧急呼叫" value={`${calls.escalated} 个`} />
          <Card label="漏打" value={`${calls.missed} 个`} />
        </View>
      )}
    </Section>
  );
}

function Trends({ points, by }: { points: TrendPoint[]; by: 'day' | 'week' }) {
  const names = points.map((p) => pointName(p, by));
  const unit = by === 'day' ? '每日' : '每周';
  const charts = useMemo(() => {
    const meals: ChartOption = {
      ...axes(names, ['单']),
      series: [
        { name: '订餐', type: 'bar', data: points.map((p) => p.mealOrders), itemStyle: { color: BLUE } },
        { name: '已取餐', type: 'bar', data: points.map((p) => p.mealsServed), itemStyle: { color: GREEN } },
      ],
    };
    const subsidy: ChartOption = {
      ...axes(names, ['元']),
      series: [
        {
          name: '补贴（元）',
          type: 'line',
          data: points.map((p) => Number(fenToYuan(p.subsidyTotal))),
          itemStyle: { color: ORANGE },
          lineStyle: { width: 3 },
        },
      ],
    };
    const visits: ChartOption = {
      ...axes(names, ['单', '小时']),
      series: [
        {
          name: '上门服务',
          type: 'bar',
          data: points.map((p) => p.serviceOrders),
          itemStyle: { color: BLUE },
        },
        {
          name: '服务时长（小时）',
          type: 'line',
          yAxisIndex: 1,
          data: points.map((p) => p.serviceHours),
          itemStyle: { color: ORANGE },
          lineStyle: { width: 3 },
        },
      ],
    };
    const sos: ChartOption = {
      ...axes(names, ['次', '秒']),
      series: [
        { name: '紧急呼叫', type: 'bar', data: points.map((p) => p.sosCount), itemStyle: { color: ORANGE } },
        {
          name: '响应用时中位数（秒）',
          type: 'line',
          yAxisIndex: 1,
          data: points.map((p) =>
            p.sosMedianAckSeconds === null ? null : Math.round(p.sosMedianAckSeconds),
          ),
          itemStyle: { color: BLUE },
          lineStyle: { width: 3 },
          connectNulls: true,
        },
      ],
    };
    return { meals, subsidy, visits, sos };
  }, [points, by]); // eslint-disable-line react-hooks/exhaustive-deps
  const sum = (f: (p: TrendPoint) => number) => points.reduce((s, p) => s + f(p), 0);
  const peak = (f: (p: TrendPoint) => number) => Math.max(0, ...points.map(f));
  return (
    <>
      <Section title={`助餐${unit}趋势`} className="panel">
        <Chart
          option={charts.meals}
          summary={`${unit}订餐柱状图：共 ${sum((p) => p.mealOrders)} 单，已取餐 ${sum((p) => p.mealsServed)} 份，最多的一${by === 'day' ? '天' : '周'} ${peak((p) => p.mealOrders)} 单`}
        />
        <Numbers
          lines={points.map((p, i) => `${names[i]}：订餐 ${p.mealOrders} 单，已取餐 ${p.mealsServed} 份`)}
        />
      </Section>
      <Section title={`补贴${unit}趋势`} className="panel">
        <Chart
          option={charts.subsidy}
          summary={`${unit}助餐补贴折线图：共 ${formatYuan(sum((p) => p.subsidyTotal))}`}
        />
        <Numbers lines={points.map((p, i) => `${names[i]}：补贴 ${formatYuan(p.subsidyTotal)}`)} />
      </Section>
      <Section title={`上门服务${unit}趋势`} className="panel">
        <Chart
          option={charts.visits}
          summary={`${unit}上门服务图：共 ${sum((p) => p.serviceOrders)} 单，服务 ${Math.round(sum((p) => p.serviceMinutes) / 6) / 10} 小时`}
        />
        <Numbers
          lines={points.map(
            (p, i) => `${names[i]}：上门服务 ${p.serviceOrders} 单，服务时长 ${p.serviceHours} 小时`,
          )}
        />
      </Section>
      <Section title={`紧急呼叫${unit}趋势`} className="panel">
        <Chart option={charts.sos} summary={`${unit}紧急呼叫图：共 ${sum((p) => p.sosCount)} 次`} />
        <Numbers
          lines={points.map(
            (p, i) => `${names[i]}：紧急呼叫 ${p.sosCount} 次，响应用时中位数 ${secs(p.sosMedianAckSeconds)}`,
          )}
        />
      </Section>
    </>
  );
}

function Communities({ items }: { items: CommunityFigures[] }) {
  const option = useMemo<ChartOption>(() => {
    const names = items.map((c) => c.name);
    return {
      grid: { left: 8, right: 16, top: 48, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: TEXT },
      yAxis: { type: 'category', data: names, axisLabel: TEXT, inverse: true },
      xAxis: { type: 'value', axisLabel: TEXT, minInterval: 1 },
      series: [
        { name: '订餐', type: 'bar', data: items.map((c) => c.mealOrders), itemStyle: { color: BLUE } },
        {
          name: '上门服务',
          type: 'bar',
          data: items.map((c) => c.serviceOrders),
          itemStyle: { color: GREEN },
        },
        { name: '紧急呼叫', type: 'bar', data: items.map((c) => c.sosCount), itemStyle: { color: ORANGE } },
      ],
    };
  }, [items]);
  const lines = items.map(
    (c) =>
      `${c.name}：订餐 ${c.mealOrders} 单，补贴 ${formatYuan(c.subsidyTotal)}，上门服务 ${c.serviceOrders} 单，紧急呼叫 ${c.sosCount} 次`,
  );
  return (
    <Section title="各社区对比" className="panel">
      <Chart
        option={option}
        summary={`各社区对比条形图：${lines.join('；')}`}
        height={Math.max(240, 90 + items.length * 70)}
      />
      <Numbers lines={lines} visible />
    </Section>
  );
}

function Funders({ items }: { items: { fundedBy: string; amount: number }[] }) {
  const option = useMemo<ChartOption>(
    () => ({
      legend: { top: 0, textStyle: TEXT },
      series: [
        {
          name: '补贴出资方',
          type: 'pie',
          radius: ['35%', '65%'],
          top: 32,
          label: { ...TEXT, formatter: '{b}\n{d}%' },
          // A zero share draws nothing but a stray label; it stays in the text below.
          data: items
            .filter((f) => f.amount > 0)
            .map((f, i) => ({
              name: funderLabel(f.fundedBy),
              value: Number(fenToYuan(f.amount)),
              itemStyle: { color: [BLUE, ORANGE, GREEN][i % 3] },
            })),
        },
      ],
    }),
    [items],
  );
  const lines = items.map((f) => `${funderLabel(f.fundedBy)}：${formatYuan(f.amount)}`);
  // Nothing to share out: an empty grey ring would say nothing; the text says 本期没有补贴.
  const any = items.some((f) => f.amount > 0);
  return (
    <Section title="补贴出资方" className="panel">
      {any ? (
        <Chart option={option} summary={`补贴按出资方环形图：${lines.join('，')}`} />
      ) : (
        <Text className="hint">本期没有助餐补贴。</Text>
      )}
      <Numbers lines={lines} visible />
    </Section>
  );
}

function Satisfaction({ items, total }: { items: CommunityFigures[]; total: Figures }) {
  const rated = items.filter((c) => c.satisfactionRate !== null);
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
      yAxis: { type: 'category', data: rated.map((c) => c.name), axisLabel: TEXT, inverse: true },
      xAxis: { type: 'value', max: 100, axisLabel: { ...TEXT, formatter: '{value}%' } },
      series: [
        {
          name: '满意度',
          type: 'bar',
          data: rated.map((c) => Math.round((c.satisfactionRate ?? 0) * 1000) / 10),
          itemStyle: { color: GREEN },
          label: { show: true, position: 'right', ...TEXT, formatter: '{c}%' },
        },
      ],
    }),
    [rated],
  );
  const lines = [
    `全部：${pct(total.satisfactionRate)}（${total.ratings} 条评价，4 分及以上为满意）`,
    ...items.map((c) => `${c.name}：${pct(c.satisfactionRate)}（${c.ratings} 条评价）`),
  ];
  return (
    <Section title="服务满意度" className="panel">
      {rated.length > 0 && (
        <Chart
          option={option}
          summary={`各社区满意度条形图：${lines.join('；')}`}
          height={Math.max(200, 60 + rated.length * 60)}
        />
      )}
      <Numbers lines={lines} visible />
    </Section>
  );
}

export default function FiguresPage() {
  const { token, me } = useProfile();
  const role = me.data?.role;
  const allowed = role === 'admin' || role === 'worker';
  const [period, setPeriod] = useState<PeriodKey>('month');
  const [by, setBy] = useState<'day' | 'week'>('day');
  const { from, to } = rangeOf(period, chinaDate(Date.now()));
  const opts = { enabled: allowed };
  const summary = useQuery({
    queryKey: qk('summary', from, to),
    queryFn: () => reportsApi.summary(from, to),
    ...opts,
  });
  const trends = useQuery({
    queryKey: qk('trends', from, to, by),
    queryFn: () => reportsApi.trends(from, to, by),
    ...opts,
  });
  const side = useQuery({
    queryKey: qk('communities', from, to),
    queryFn: () => reportsApi.communities(from, to),
    ...opts,
  });
  // Care-call figures are per community: shown to a worker for their own (district-wide they are not kept).
  const careCalls = useQuery({
    queryKey: qk('care-summary', from, to),
    queryFn: () => careApi.summary(from, to),
    enabled: role === 'worker',
  });
  const funders = useQuery({
    queryKey: qk('funders', from, to),
    queryFn: () => reportsApi.funders(from, to),
    ...opts,
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

  const failed = [summary, trends, side, funders].find((q) => q.isError);
  const pending = [summary, trends, side, funders].some((q) => q.isPending);
  return (
    <View className="page figures">
      <PageTop />
      <Text className="title">{role === 'worker' ? '本社区数据' : '辖区数据'}</Text>
      <View className="figures__choices">
        {PERIODS.map((p) => (
          <Choice key={p.key} selected={p.key === period} label={p.label} onClick={() => setPeriod(p.key)} />
        ))}
      </View>
      <Text className="hint figures__range">
        {from} 至 {to}，按用餐日期统计（与食堂月度结算一致，已预订的以后几天的餐也算在内）
      </Text>
      {pending && <Loading what="数据" />}
      {failed && <ErrorBox message={failed.error?.message ?? '加载失败'} onRetry={() => failed.refetch()} />}
      {summary.data && <KeyFigures s={summary.data} />}
      {summary.data && <CareFigures s={summary.data} calls={careCalls.data} />}
      <View className="figures__choices">
        <Choice selected={by === 'day'} label="按日" onClick={() => setBy('day')} />
        <Choice selected={by === 'week'} label="按周" onClick={() => setBy('week')} />
      </View>
      <View className="figures__grid">
        {trends.data && <Trends points={trends.data.points} by={trends.data.by} />}
        {side.data && <Communities items={side.data.items} />}
        {funders.data && <Funders items={funders.data.items} />}
        {side.data && <Satisfaction items={side.data.items} total={side.data.total} />}
      </View>
      <HomeButton />
    </View>
  );
}
