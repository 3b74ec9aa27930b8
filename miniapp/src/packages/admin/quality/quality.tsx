/**
 * 服务质量 (admin: the district; worker: their community): the providers ranked by average
 * rating, then on-time check-ins, with a bar chart and every figure in words; and (admin) the
 * share of completed visits sampled for a follow-up call (回访).
 */
import { useMemo, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProfile } from '../../../api/profile';
import { reportsApi, type ProviderQuality } from '../../../api/reports';
import { profileGate } from '../../../components/profile-gate';
import { Choice, ErrorBox, HomeButton, Loading, Section } from '../../../components/ui';
import { chinaDate } from '../../../format';
import { PageTop } from '../../../components/page-top';
import { Chart } from '../figures/chart';
import type { ChartOption } from '../figures/echarts';
import { PERIODS, rangeOf, type PeriodKey } from '../figures/periods';
import '../figures/figures.scss';
import { qk } from '../../../api/query-keys';

const TEXT = { color: '#1a1a1a', fontSize: 16 };
const pct = (r: number | null) => (r === null ? '暂无签到' : `${Math.round(r * 100)}%`);
const SHARES = [0, 0.05, 0.1, 0.2, 0.5];

/** One provider's figures as a sentence (the list under the chart and the chart's summary). */
export function qualityLine(p: ProviderQuality, rank: number): string {
  return (
    `第${rank}名 ${p.name}：服务 ${p.visits} 次，完成 ${p.completed} 次，准时签到 ${pct(p.onTimeRate)}，` +
    `平均评分 ${p.avgRating === null ? '暂无' : `${p.avgRating.toFixed(1)} 分`}（${p.ratings} 条），` +
    `2 分及以下差评 ${p.lowRatings} 次，回访满意 ${p.followUpsSatisfied}/${p.followUps}，` +
    `远离住址签到 ${p.farCheckIns} 次`
  );
}

function Ranking({ items }: { items: ProviderQuality[] }) {
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 8, right: 40, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: TEXT },
      yAxis: { type: 'category', data: items.map((p) => p.name), axisLabel: TEXT, inverse: true },
      xAxis: { type: 'value', max: 5, axisLabel: TEXT },
      series: [
        {
          name: '平均评分',
          type: 'bar',
          data: items.map((p) => p.avgRating ?? 0),
          itemStyle: { color: '#1e7b34' },
          label: { show: true, position: 'right', ...TEXT },
        },
      ],
    }),
    [items],
  );
  const lines = items.map((p, i) => qualityLine(p, i + 1));
  if (!items.length) return <Text className="hint">这段时间没有派给服务人员的上门服务。</Text>;
  return (
    <Section title="服务人员排名" className="panel">
      <Chart
        option={option}
        summary={`服务人员平均评分条形图：${lines.join('；')}`}
        height={Math.max(200, 70 + items.length * 56)}
      />
      <View className="chart-numbers">
        {lines.map((line, i) => (
          <Text key={items[i].providerUserId} className="chart-numbers__line">
            {line}
          </Text>
        ))}
      </View>
    </Section>
  );
}

/** The admin's one setting here: what share of completed visits get a follow-up call. */
function SampleShare() {
  const qc = useQueryClient();
  const current = useQuery({
    queryKey: qk('follow-up-settings'),
    queryFn: reportsApi.followUpSettings,
  });
  const save = useMutation({
    mutationFn: reportsApi.setFollowUpShare,
    onSuccess: (data) => qc.setQueryData(qk('follow-up-settings'), data),
  });
  const share = current.data?.sampleShare;
  return (
    <Section title="回访抽查比例" className="panel">
      <Text className="hint">
        评分 3 分及以下的服务都会回访；另外按这个比例随机抽查已完成的服务，列在社区工作台的“待回访”里。
      </Text>
      <View className="figures__choices">
        {SHARES.map((s) => (
          <Choice
            key={s}
            selected={share === s}
            disabled={save.isPending}
            label={`${Math.round(s * 100)}%`}
            onClick={() => save.mutate(s)}
          />
        ))}
      </View>
      {share !== undefined && (
        <Text className="text" aria-live="polite">
          {`${save.isSuccess ? '已保存' : '现在'}：抽查 ${Math.round(share * 100)}% 的已完成服务`}
        </Text>
      )}
      {save.isError && <ErrorBox message={save.error.message} />}
    </Section>
  );
}

export default function QualityPage() {
  const { token, me } = useProfile();
  const role = me.data?.role;
  const allowed = role === 'admin' || role === 'worker';
  const [period, setPeriod] = useState<PeriodKey>('month');
  const { from, to } = rangeOf(period, chinaDate(Date.now()));
  const report = useQuery({
    queryKey: qk('provider-quality', from, to),
    queryFn: () => reportsApi.providers(from, to),
    enabled: allowed,
  });
  const gate = profileGate({
    title: '服务质量',
    pageClass: 'figures',
    leadClass: 'figures__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: allowed ? null : '只有管理员和社区助老员可以查看服务质量。',
  });
  if (gate) return gate;
  return (
    <View className="page figures">
      <PageTop />
      <Text className="title">服务质量</Text>
      <View className="figures__choices">
        {PERIODS.map((p) => (
          <Choice key={p.key} selected={p.key === period} label={p.label} onClick={() => setPeriod(p.key)} />
        ))}
      </View>
      <Text className="hint figures__range">
        {from} 至 {to}，按预约日期统计；准时签到指在预约时间前后 15 分钟内签到
      </Text>
      {report.isPending && <Loading what="服务质量" />}
      {report.isError && <ErrorBox message={report.error.message} onRetry={() => report.refetch()} />}
      {report.data && <Ranking items={report.data.items} />}
      {role === 'admin' && <SampleShare />}
      <HomeButton />
    </View>
  );
}
