/**
 * 服务人员: today's visits (and the coming ones), one next step each:
 * 接单 → 到达签到 (with the location when the phone allows) → 服务完成签退 (with notes).
 * Each card has the elder's phone (call button) and notes; a dispatched visit can be given
 * back (退回) with a reason, confirmed in the card. A check-in outside the time window is
 * refused by the server, whose words are shown.
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProfile } from '../../../api/profile';
import { chinaDateTime, serviceApi, type Visit } from '../../../api/services';
import { goHome, profileGate } from '../../../components/profile-gate';
import { CallLink, Tap } from '../../../components/tap';
import { Timeline } from '../../../components/visit-parts';
import { chinaDate } from '../../../format';
import '../../../components/care.scss';
import { PageTop } from '../../../components/page-top';
import { qk } from '../../../api/query-keys';

async function currentLocation(): Promise<{ lng: number; lat: number } | undefined> {
  try {
    const loc = await Promise.race([
      Taro.getLocation({ type: 'gcj02' }),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 4000)),
    ]);
    return { lng: loc.longitude, lat: loc.latitude };
  } catch {
    return undefined; // not granted or unavailable: check in without a location
  }
}

/** 退回: the reason first, then one confirmation in the card. */
function DeclineBox({ visit }: { visit: Visit }) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const decline = useMutation({
    mutationFn: () => serviceApi.act(visit.id, 'decline', { reason: reason.trim() }),
    onSuccess: () => qc.invalidateQueries({ queryKey: qk('provider-visits') }),
  });
  if (!open) return <Tap label={`退回：${visit.elderName}`} kind="secondary" onTap={() => setOpen(true)} />;
  return (
    <View className="care__confirm" aria-label={`退回 ${visit.elderName} 的服务`}>
      <Text className="text">请写明不能去的原因，社区会重新派人：</Text>
      <Input
        className="care__input"
        placeholder="退回原因"
        value={reason}
        onInput={(e) => setReason(e.detail.value)}
      />
      {decline.isError && <Text className="error-box">{decline.error.message}</Text>}
      <Tap
        label={reason.trim() ? `确认退回：${visit.elderName}` : '请先写退回原因'}
        kind="danger"
        disabled={!reason.trim() || decline.isPending}
        onTap={() => decline.mutate()}
      />
      <Tap label="不退回" kind="secondary" onTap={() => setOpen(false)} />
    </View>
  );
}

function VisitCard({ visit }: { visit: Visit }) {
  const qc = useQueryClient();
  const [notes, setNotes] = useState('');
  const act = useMutation({
    mutationFn: async (action: 'accept' | 'check-in' | 'check-out') => {
      if (action === 'check-in') {
        const location = await currentLocation();
        return serviceApi.act(visit.id, 'check-in', location ? { location } : {});
      }
      return serviceApi.act(visit.id, action, action === 'check-out' && notes ? { notes } : {});
    },
    onSuccess: () => qc.invalidateQueries({ queryKey: qk('provider-visits') }),
  });
  return (
    <View className="care__card" aria-label={`${visit.elderName} ${visit.item.name}`}>
      <Text className="care__strong">
        {visit.item.name} · {visit.elderName}
      </Text>
      <Text className="text">{chinaDateTime(visit.scheduledAt)}</Text>
      <Text className="text">地址：{visit.address}</Text>
      {visit.notes && <Text className="text">长者留言：{visit.notes}</Text>}
      {visit.elderDiet && <Text className="text">饮食/健康：{visit.elderDiet.join('、')}</Text>}
      {visit.elderPhone && ['dispatched', 'accepted', 'in_service'].includes(visit.status) && (
        <CallLink name={visit.elderName} phone={visit.elderPhone} />
      )}
      <Text className="care__ok">{visit.statusName}</Text>
      {visit.review && (
        <Text className={visit.review.state === 'approved' ? 'care__ok' : 'care__warn'}>
          社区{visit.review.stateName}：{visit.review.reasons.join('；')}
        </Text>
      )}
      {visit.checkIn?.farFromHome && (
        <Text className="care__warn">签到位置离长者家 {visit.checkIn.distanceM} 米</Text>
      )}
      {visit.durationMin !== undefined && <Text className="text">服务用时 {visit.durationMin} 分钟</Text>}
      <Timeline visit={visit} />
      {act.isError && <Text className="error-box">{act.error.message}</Text>}
      {visit.status === 'dispatched' && (
        <Tap label={`接单：${visit.elderName}`} disabled={act.isPending} onTap={() => act.mutate('accept')} />
      )}
      {visit.status === 'accepted' && (
        <Tap
          label={`到达签到：${visit.elderName}`}
          disabled={act.isPending}
          onTap={() => act.mutate('check-in')}
        />
      )}
      {(visit.status === 'dispatched' || visit.status === 'accepted') && <DeclineBox visit={visit} />}
      {visit.status === 'in_service' && (
        <View>
          <Input
            className="care__input"
            placeholder="服务记录（做了什么）"
            value={notes}
            onInput={(e) => setNotes(e.detail.value)}
          />
          <Tap
            label={`服务完成签退：${visit.elderName}`}
            disabled={act.isPending}
            onTap={() => act.mutate('check-out')}
          />
        </View>
      )}
    </View>
  );
}

export default function ProviderVisitsPage() {
  const { token, me } = useProfile();
  const ready = me.data?.role === 'provider';
  const visits = useQuery({
    queryKey: qk('provider-visits'),
    queryFn: () => serviceApi.list(),
    enabled: ready,
    refetchInterval: 5000,
  });
  const gate = profileGate({
    title: '我的上门服务',
    pageClass: 'provider',
    leadClass: 'provider__lead',
    signInLead: '请先登录，再查看派给您的上门服务。',
    token,
    me,
    notForYou: me.data && !ready ? '这个页面供服务人员使用。' : null,
  });
  if (gate) return gate;
  const today = chinaDate(new Date());
  const all = visits.data?.items ?? [];
  const active = (v: Visit) => ['dispatched', 'accepted', 'in_service'].includes(v.status);
  const todays = all.filter((v) => v.day === today && (active(v) || v.status === 'completed'));
  // Only what is still ahead: a past day's visit is not 「之后的服务」.
  const later = all.filter((v) => v.day > today && (active(v) || v.status === 'completed'));
  return (
    <View className="page provider">
      <PageTop />
      <Text className="title">我的上门服务</Text>
      <View className="care__section">
        <Text className="care__heading">今天（{todays.length}）</Text>
        {todays.length === 0 && <Text className="hint">今天没有派给您的服务。</Text>}
        {todays.map((v) => (
          <VisitCard key={v.id} visit={v} />
        ))}
      </View>
      <View className="care__section">
        <Text className="care__heading">之后的服务（{later.length}）</Text>
        {later.map((v) => (
          <VisitCard key={v.id} visit={v} />
        ))}
      </View>
      <Tap label="返回首页" kind="secondary" onTap={goHome} />
    </View>
  );
}
