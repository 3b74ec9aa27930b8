/**
 * 社区工作台 (workers, admin): 1. open SOS first — address, diet/health notes, call buttons,
 * 已响应 / 处理完毕; 2. visits waiting for a provider (suggested providers, fewest visits
 * that day first); 3. finished visits waiting for the follow-up call (回访).
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProfile } from '../../../api/profile';
import { chinaDateTime, serviceApi, sosApi, type Sos, type Visit } from '../../../api/services';
import { goHome, profileGate } from '../../../components/profile-gate';
import { CallLink, Tap } from '../../../components/tap';
import { Timeline } from '../../../components/visit-parts';
import '../../../components/care.scss';
import { PageTop } from '../../../components/page-top';

const CARE_LEVELS: Record<string, string> = {
  intact: '能力完好',
  mild: '轻度失能',
  moderate: '中度失能',
  severe: '重度失能',
};

function SosCard({ sos }: { sos: Sos }) {
  const qc = useQueryClient();
  const [notes, setNotes] = useState('');
  const act = useMutation({
    mutationFn: () =>
      sos.status === 'open' ? sosApi.ack(sos.id) : sosApi.resolve(sos.id, notes || undefined),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['desk-sos'] }),
  });
  return (
    <View className="care__card care__card--alert" aria-label={`${sos.elderName}的紧急呼叫`}>
      <Text className="care__strong">{sos.elderName}</Text>
      <Text className={sos.status === 'open' ? 'care__warn' : 'care__ok'}>
        {sos.status === 'open' ? (sos.overdue ? '超过5分钟未响应！' : '待响应') : '已响应，处理中'}
      </Text>
      <Text className="text">呼叫时间：{chinaDateTime(sos.raisedAt)}</Text>
      {sos.elder && (
        <View>
          <Text className="text">住址：{sos.elder.address}</Text>
          {sos.elder.careLevel && (
            <Text className="text">身体：{CARE_LEVELS[sos.elder.careLevel] ?? sos.elder.careLevel}</Text>
          )}
          {sos.elder.diet.length > 0 && <Text className="text">饮食/健康：{sos.elder.diet.join('、')}</Text>}
          {sos.elder.emergencyContacts.map((c) => (
            <CallLink key={c.phone} name={c.name} phone={c.phone} relation={c.relation} />
          ))}
        </View>
      )}
      {act.isError && <Text className="error-box">{act.error.message}</Text>}
      {sos.status === 'acknowledged' && (
        <Input
          className="care__input"
          placeholder="处理记录"
          value={notes}
          onInput={(e) => setNotes(e.detail.value)}
        />
      )}
      <Tap
        label={sos.status === 'open' ? `已响应：${sos.elderName}` : `处理完毕：${sos.elderName}`}
        kind={sos.status === 'open' ? 'danger' : 'primary'}
        disabled={act.isPending}
        onTap={() => act.mutate()}
      />
    </View>
  );
}

function DispatchCard({ visit }: { visit: Visit }) {
  const qc = useQueryClient();
  const suggestions = useQuery({
    queryKey: ['suggestions', visit.day],
    queryFn: () => serviceApi.suggestions(visit.day),
  });
  const dispatch = useMutation({
    mutationFn: (providerUserId: string) => serviceApi.act(visit.id, 'dispatch', { providerUserId }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['desk-visits'] }),
  });
  return (
    <View
      className="care__card"
      aria-label={`${visit.elderName} ${visit.item.name} ${chinaDateTime(visit.scheduledAt)} 待派单`}
    >
      <Text className="care__strong">
        {visit.item.name} · {visit.elderName}
      </Text>
      <Text className="text">{chinaDateTime(visit.scheduledAt)}</Text>
      <Text className="text">地址：{visit.address}</Text>
      {visit.status === 'rejected' && <Text className="care__warn">服务人员已拒单，请重新派单</Text>}
      {dispatch.isError && <Text className="error-box">{dispatch.error.message}</Text>}
      {(suggestions.data?.items ?? []).map((p) => (
        <Tap
          key={p.userId}
          label={`派给${p.name}（当天已有${p.openVisits}单）`}
          kind="secondary"
          disabled={dispatch.isPending}
          onTap={() => dispatch.mutate(p.userId)}
        />
      ))}
    </View>
  );
}

function FollowUpCard({ visit }: { visit: Visit }) {
  const qc = useQueryClient();
  const [satisfied, setSatisfied] = useState<boolean | null>(null);
  const [notes, setNotes] = useState('');
  const save = useMutation({
    mutationFn: () =>
      serviceApi.act(visit.id, 'follow-up', { satisfied: Boolean(satisfied), ...(notes ? { notes } : {}) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['desk-visits'] }),
  });
  return (
    <View
      className="care__card"
      aria-label={`${visit.elderName} ${visit.item.name} ${chinaDateTime(visit.scheduledAt)} 待回访`}
    >
      <Text className="care__strong">
        {visit.item.name} · {visit.elderName}
      </Text>
      <Text className="text">
        {visit.provider?.name} 服务 {visit.durationMin ?? 0} 分钟
        {visit.rating ? `，长者评分 ${visit.rating.score} 分` : '，长者未评价'}
      </Text>
      <Timeline visit={visit} />
      <View className="care__choices">
        <Tap label="满意" kind="secondary" selected={satisfied === true} onTap={() => setSatisfied(true)} />
        <Tap
          label="不满意"
          kind="secondary"
          selected={satisfied === false}
          onTap={() => setSatisfied(false)}
        />
      </View>
      <Input
        className="care__input"
        placeholder="回访记录"
        value={notes}
        onInput={(e) => setNotes(e.detail.value)}
      />
      {save.isError && <Text className="error-box">{save.error.message}</Text>}
      <Tap
        label={satisfied === null ? '请先选择是否满意' : `记录回访：${visit.elderName}`}
        disabled={satisfied === null || save.isPending}
        onTap={() => save.mutate()}
      />
    </View>
  );
}

export default function WorkerDeskPage() {
  const { token, me } = useProfile();
  const ready = me.data?.role === 'worker' || me.data?.role === 'admin';
  const sos = useQuery({
    queryKey: ['desk-sos'],
    queryFn: async () => {
      const [open, acked] = await Promise.all([
        sosApi.list('?status=open'),
        sosApi.list('?status=acknowledged'),
      ]);
      return [...open.items, ...acked.items];
    },
    enabled: ready,
    refetchInterval: 3000,
  });
  const visits = useQuery({
    queryKey: ['desk-visits'],
    queryFn: async () => {
      const lists = await Promise.all(
        ['requested', 'rejected', 'completed', 'rated'].map((s) => serviceApi.list(`?status=${s}`)),
      );
      return lists.flatMap((l) => l.items);
    },
    enabled: ready,
    refetchInterval: 5000,
  });
  const gate = profileGate({
    title: '社区工作台',
    pageClass: 'desk',
    leadClass: 'desk__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: me.data && !ready ? '这个页面供社区助老员和管理员使用。' : null,
  });
  if (gate) return gate;
  const all = visits.data ?? [];
  const toDispatch = all.filter((v) => v.status === 'requested' || v.status === 'rejected');
  const toFollow = all.filter((v) => v.status === 'completed' || v.status === 'rated');
  return (
    <View className="page desk">
      <PageTop />
      <Text className="title">社区工作台</Text>
      <View className="care__section">
        <Text className="care__heading">紧急呼叫（{sos.data?.length ?? 0}）</Text>
        {sos.data?.length === 0 && <Text className="hint">现在没有未处理的紧急呼叫。</Text>}
        {(sos.data ?? []).map((s) => (
          <SosCard key={s.id} sos={s} />
        ))}
      </View>
      <View className="care__section">
        <Text className="care__heading">待派单（{toDispatch.length}）</Text>
        {toDispatch.map((v) => (
          <DispatchCard key={v.id} visit={v} />
        ))}
      </View>
      <View className="care__section">
        <Text className="care__heading">待回访（{toFollow.length}）</Text>
        {toFollow.map((v) => (
          <FollowUpCard key={v.id} visit={v} />
        ))}
      </View>
      <Tap
        label="查看统计"
        kind="secondary"
        onTap={() => void Taro.navigateTo({ url: '/packages/admin/figures/figures' })}
      />
      <Tap label="返回首页" kind="secondary" onTap={goHome} />
    </View>
  );
}
