/**
 * 社区工作台 (workers, admin): 1. open SOS first (./sos-panel.tsx: address, notes, call buttons,
 * 我来处理, then 处理完毕 with an outcome); 2. visits waiting for a provider (./dispatch-panel.tsx);
 * 3. exceptional visits waiting for review (./review-panel.tsx); 4. the follow-up calls (回访) to
 * make: visits rated 3 or less and a share of completed ones sampled at random.
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProfile } from '../../../api/profile';
import { FOLLOW_UP_REASON_LABELS } from '@yiyangtong/shared/src/labels';
import { chinaDateTime, followUpApi, serviceApi, type FollowUpTask, type Visit } from '../../../api/services';
import { goHome, profileGate } from '../../../components/profile-gate';
import { Tap } from '../../../components/tap';
import { Timeline } from '../../../components/visit-parts';
import '../../../components/care.scss';
import { SosPanel } from './sos-panel';
import { DispatchPanel } from './dispatch-panel';
import { ReviewPanel } from './review-panel';
import { PageTop } from '../../../components/page-top';
import { qk } from '../../../api/query-keys';

function FollowUpCard({ task }: { task: FollowUpTask }) {
  const visit = task.visit as Visit;
  const qc = useQueryClient();
  const [satisfied, setSatisfied] = useState<boolean | null>(null);
  const [notes, setNotes] = useState('');
  const save = useMutation({
    mutationFn: () =>
      serviceApi.act(visit.id, 'follow-up', { satisfied: Boolean(satisfied), ...(notes ? { notes } : {}) }),
    onSuccess: () => qc.invalidateQueries({ queryKey: qk('desk-follow-ups') }),
  });
  return (
    <View
      className="care__card"
      aria-label={`${visit.elderName} ${visit.item.name} ${chinaDateTime(visit.scheduledAt)} 待回访`}
    >
      <Text className="care__strong">
        {visit.item.name} · {visit.elderName}
      </Text>
      <Text className={task.reasons.includes('low_rating') ? 'care__warn' : 'text'}>
        回访原因：{task.reasons.map((r) => FOLLOW_UP_REASON_LABELS[r]).join('、')}
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
  const visits = useQuery({
    queryKey: qk('desk-visits'),
    queryFn: async () => {
      const lists = await Promise.all(['requested', 'rejected'].map((s) => serviceApi.list(`?status=${s}`)));
      return lists.flatMap((l) => l.items);
    },
    enabled: ready,
    refetchInterval: 5000,
  });
  // 回访: the visits rated 3 or less and those sampled at random, newest first.
  const followUps = useQuery({
    queryKey: qk('desk-follow-ups'),
    queryFn: followUpApi.open,
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
  const toDispatch = visits.data ?? [];
  const toFollow = (followUps.data?.items ?? []).filter((task) => task.visit);
  return (
    <View className="page desk">
      <PageTop />
      <Text className="title">社区工作台</Text>
      <SosPanel enabled={ready} />
      {me.data?.role === 'worker' && (
        <Tap
          label="主动关怀：今天的关怀电话"
          onTap={() => void Taro.navigateTo({ url: '/packages/worker/care/care' })}
        />
      )}
      <DispatchPanel visits={toDispatch} />
      {me.data?.role === 'worker' && <ReviewPanel enabled={ready} />}
      <View className="care__section">
        <Text className="care__heading">待回访（{toFollow.length}）</Text>
        <Text className="hint">评分 3 分及以下的服务都要回访，另随机抽查部分已完成的服务。</Text>
        {toFollow.map((task) => (
          <FollowUpCard key={task.id} task={task} />
        ))}
      </View>
      <Tap
        label="查看统计"
        kind="secondary"
        onTap={() => void Taro.navigateTo({ url: '/packages/admin/figures/figures' })}
      />
      <Tap
        label="服务质量"
        kind="secondary"
        onTap={() => void Taro.navigateTo({ url: '/packages/admin/quality/quality' })}
      />
      <Tap label="返回首页" kind="secondary" onTap={goHome} />
    </View>
  );
}
