/**
 * 紧急呼叫 for elders and family: one big button, one confirmation (inline, the only one in
 * the app), then the live status of the alarm, re-read every 3 seconds:
 * 正在呼叫社区… → 社区已收到，正在联系您 → 已处理完毕; 取消呼叫（误按） while nobody has taken
 * it. 120, 110 and the community's workers are dial links (tel:).
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProfile } from '../../api/profile';
import { chinaDateTime, sosApi, type Sos } from '../../api/services';
import { goHome, profileGate } from '../../components/profile-gate';
import { CallLink, Tap } from '../../components/tap';
import { useMyElders } from '../../components/use-my-elders';
import '../../components/care.scss';
import { PageTop } from '../../components/page-top';
import { qk } from '../../api/query-keys';

/** A mistaken press is cancelled while nobody has taken it yet; one in-page confirmation. */
function CancelAlarm({ sos }: { sos: Sos }) {
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const cancel = useMutation({
    mutationFn: () => sosApi.cancel(sos.id),
    // The card shows 已取消 at once: no second 取消呼叫 button while the list is re-read.
    onSuccess: (cancelled) =>
      qc.setQueryData<{ items: Sos[] }>(qk('sos-mine'), (old) =>
        old ? { ...old, items: old.items.map((s) => (s.id === cancelled.id ? cancelled : s)) } : old,
      ),
    onSettled: () => {
      setAsking(false);
      void qc.invalidateQueries({ queryKey: qk('sos-mine') });
    },
  });
  return (
    <View>
      {cancel.isError && <Text className="error-box">{cancel.error.message}</Text>}
      {asking ? (
        <View aria-label="确认取消呼叫">
          <Text className="care__strong">确定是误按，要取消这次呼叫吗？</Text>
          <Tap
            label="确定取消呼叫"
            kind="secondary"
            disabled={cancel.isPending}
            onTap={() => cancel.mutate()}
          />
          <Tap label="不取消，继续呼叫" onTap={() => setAsking(false)} />
        </View>
      ) : (
        <Tap label="取消呼叫（误按）" kind="secondary" onTap={() => setAsking(true)} />
      )}
    </View>
  );
}

function Status({ sos }: { sos: Sos }) {
  const live = sos.status === 'open' || sos.status === 'acknowledged';
  return (
    <View className={`care__card ${sos.status === 'open' ? 'care__card--alert' : ''}`} aria-live="polite">
      <Text className="care__strong">
        {sos.elderName}的{sos.source === 'elder' ? '紧急呼叫' : '社区提醒'}
      </Text>
      {sos.reason && <Text className="text">原因：{sos.reason}</Text>}
      <Text className={sos.status === 'open' ? 'care__warn' : 'care__ok'}>{sos.statusText}</Text>
      <Text className="text">呼叫时间：{chinaDateTime(sos.raisedAt)}</Text>
      {sos.ack && <Text className="text">响应人：{sos.ack.by.name}</Text>}
      {live &&
        (sos.communityWorkers ?? []).map((w) => (
          <CallLink key={w.phone} name={w.name} phone={w.phone} relation="社区助老员" />
        ))}
      {sos.status === 'open' && sos.source === 'elder' && <CancelAlarm sos={sos} />}
    </View>
  );
}

/** 120 and 110 as dial links: in danger, one tap calls. */
function EmergencyNumbers() {
  return (
    <View className="care__section">
      <Text className="hint">遇到危险请同时拨打 120 或 110：</Text>
      <CallLink name="急救" phone="120" label="拨打 120 急救" />
      <CallLink name="报警" phone="110" label="拨打 110 报警" />
    </View>
  );
}

export default function SosPage() {
  const { token, me } = useProfile();
  const qc = useQueryClient();
  const { ready, elders } = useMyElders(me.data, '我');
  const [confirming, setConfirming] = useState<string | null>(null);
  const alarms = useQuery({
    queryKey: qk('sos-mine'),
    queryFn: () => sosApi.list(),
    enabled: ready,
    refetchInterval: 3000,
  });
  const raise = useMutation({
    mutationFn: (elderId: string) => sosApi.raise(elderId),
    onSuccess: () => {
      setConfirming(null);
      void qc.invalidateQueries({ queryKey: qk('sos-mine') });
    },
  });

  const gate = profileGate({
    title: '紧急呼叫',
    pageClass: 'sos',
    leadClass: 'sos__lead',
    signInLead: '请先登录。遇到危险请直接拨打 120 或 110。',
    token,
    me,
    notForYou: me.data && !ready ? '社区工作人员请在「上门服务」工作台处理紧急呼叫。' : null,
  });
  if (gate) return gate;

  const live = (s: Sos) => s.status === 'open' || s.status === 'acknowledged';
  const active = (alarms.data?.items ?? []).filter(live);
  const recent = (alarms.data?.items ?? []).filter((s) => !live(s)).slice(0, 3);

  return (
    <View className="page sos">
      <PageTop />
      <Text className="title">紧急呼叫</Text>
      {active.map((s) => (
        <Status key={s.id} sos={s} />
      ))}
      {raise.isError && <Text className="error-box">{raise.error.message}</Text>}
      {elders.map((e) =>
        confirming === e.id ? (
          <View key={e.id} className="care__card care__card--alert" aria-label="确认紧急呼叫">
            <Text className="care__strong">确定要呼叫社区吗？</Text>
            <Text className="text">社区工作人员会马上联系{e.name === '我' ? '您' : e.name}。</Text>
            <Tap label="确定呼叫" kind="danger" disabled={raise.isPending} onTap={() => raise.mutate(e.id)} />
            <Tap label="不呼叫了" kind="secondary" onTap={() => setConfirming(null)} />
          </View>
        ) : (
          <Tap
            key={e.id}
            label={e.name === '我' ? '紧急呼叫' : `为${e.name}紧急呼叫`}
            kind="danger"
            className="care__sos"
            onTap={() => setConfirming(e.id)}
          />
        ),
      )}
      {ready && elders.length === 0 && <Text className="hint">还没有绑定长者。</Text>}
      <EmergencyNumbers />
      {recent.map((s) => (
        <Status key={s.id} sos={s} />
      ))}
      <Tap label="返回首页" kind="secondary" onTap={goHome} />
    </View>
  );
}
