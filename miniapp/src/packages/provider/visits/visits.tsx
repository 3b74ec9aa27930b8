/**
 * 服务人员: today's visits (and the coming ones), one next step each:
 * 接单 → 到达签到 (with the location when the phone allows) → 服务完成签退 (with notes).
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProfile } from '../../../api/profile';
import { chinaDateTime, serviceApi, type Visit } from '../../../api/services';
import { goHome, profileGate } from '../../../components/profile-gate';
import { Tap } from '../../../components/tap';
import { Timeline } from '../../../components/visit-parts';
import { chinaDate } from '../../../format';
import '../../../components/care.scss';
import { PageTop } from '../../../components/page-top';

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
    onSuccess: () => qc.invalidateQueries({ queryKey: ['provider-visits'] }),
  });
  return (
    <View className="care__card" aria-label={`${visit.elderName} ${visit.item.name}`}>
      <Text className="care__strong">
        {visit.item.name} · {visit.elderName}
      </Text>
      <Text className="text">{chinaDateTime(visit.scheduledAt)}</Text>
      <Text className="text">地址：{visit.address}</Text>
      {visit.notes && <Text className="text">长者留言：{visit.notes}</Text>}
      <Text className="care__ok">{visit.statusName}</Text>
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
    queryKey: ['provider-visits'],
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
  const later = all.filter((v) => v.day !== today && (active(v) || v.status === 'completed'));
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
