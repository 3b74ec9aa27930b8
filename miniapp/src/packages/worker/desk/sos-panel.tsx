/**
 * The worker desk's SOS part: open alarms first — address, health notes, the elder's own phone
 * and the emergency contacts as call buttons — then 「我来处理」 (ack); once taken, the outcome
 * (误报 / 上门处置 / 送医 / 其他), a note, and one in-page confirmation before 处理完毕.
 */
import { useState } from 'react';
import { Input, Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ALARM_SOURCE_LABELS, SOS_OUTCOME_LABELS } from '@yiyangtong/shared/src/labels';
import { chinaDateTime, sosApi, type Sos, type SosOutcome } from '../../../api/services';
import { CallLink, Tap } from '../../../components/tap';
import { qk } from '../../../api/query-keys';

const CARE_LEVELS: Record<string, string> = {
  intact: '能力完好',
  mild: '轻度失能',
  moderate: '中度失能',
  severe: '重度失能',
};

const OUTCOMES = Object.entries(SOS_OUTCOME_LABELS) as [SosOutcome, string][];

function Resolve({ sos }: { sos: Sos }) {
  const qc = useQueryClient();
  const [outcome, setOutcome] = useState<SosOutcome | null>(null);
  const [notes, setNotes] = useState('');
  const [confirming, setConfirming] = useState(false);
  const resolve = useMutation({
    mutationFn: () => sosApi.resolve(sos.id, outcome as SosOutcome, notes.trim() || undefined),
    onSuccess: () => qc.invalidateQueries({ queryKey: qk('desk-sos') }),
  });
  const chosen = outcome ? SOS_OUTCOME_LABELS[outcome] : '';
  if (confirming && outcome)
    return (
      <View className="care__card" aria-label={`确认处理结果：${sos.elderName}`}>
        <Text className="care__strong">
          确认结束{sos.elderName}的呼叫？处理结果：{chosen}
        </Text>
        {notes.trim() && <Text className="text">处理记录：{notes.trim()}</Text>}
        {resolve.isError && <Text className="error-box">{resolve.error.message}</Text>}
        <Tap
          label={`确认处理完毕：${sos.elderName}`}
          disabled={resolve.isPending}
          onTap={() => resolve.mutate()}
        />
        <Tap label="返回修改" kind="secondary" onTap={() => setConfirming(false)} />
      </View>
    );
  return (
    <View>
      <Text className="text">处理结果：</Text>
      <View className="care__choices">
        {OUTCOMES.map(([code, name]) => (
          <Tap
            key={code}
            label={name}
            kind="secondary"
            selected={outcome === code}
            onTap={() => setOutcome(code)}
          />
        ))}
      </View>
      <Input
        className="care__input"
        placeholder="处理记录"
        value={notes}
        onInput={(e) => setNotes(e.detail.value)}
      />
      <Tap
        label={outcome ? `处理完毕：${sos.elderName}` : '请先选择处理结果'}
        disabled={!outcome}
        onTap={() => setConfirming(true)}
      />
    </View>
  );
}

function SosCard({ sos }: { sos: Sos }) {
  const qc = useQueryClient();
  const ack = useMutation({
    mutationFn: () => sosApi.ack(sos.id),
    onSuccess: () => qc.invalidateQueries({ queryKey: qk('desk-sos') }),
  });
  return (
    <View
      className="care__card care__card--alert"
      aria-label={`${sos.elderName}的${sos.source === 'elder' ? '紧急呼叫' : `${ALARM_SOURCE_LABELS[sos.source]}提醒`}`}
    >
      <Text className="care__strong">
        {sos.elderName} · {ALARM_SOURCE_LABELS[sos.source] ?? '长者呼叫'}
      </Text>
      {sos.reason && <Text className="care__strong">原因：{sos.reason}</Text>}
      <Text className={sos.status === 'open' ? 'care__warn' : 'care__ok'}>
        {sos.status === 'open'
          ? sos.overdue
            ? '超过5分钟未响应！'
            : '待响应'
          : `${sos.ack?.by.name ?? ''}已响应，处理中`}
      </Text>
      <Text className="text">
        {sos.source === 'elder' ? '呼叫时间' : '发现时间'}：{chinaDateTime(sos.raisedAt)}
      </Text>
      {sos.elder && (
        <View>
          <Text className="text">住址：{sos.elder.address}</Text>
          {sos.elder.careLevel && (
            <Text className="text">身体：{CARE_LEVELS[sos.elder.careLevel] ?? sos.elder.careLevel}</Text>
          )}
          {sos.elder.diet.length > 0 && <Text className="text">饮食/健康：{sos.elder.diet.join('、')}</Text>}
          {sos.elder.phone && (
            <View>
              <Text className="text">长者电话：{sos.elder.phone}</Text>
              <CallLink
                name={sos.elderName}
                phone={sos.elder.phone}
                label={`拨打 ${sos.elderName}本人 ${sos.elder.phone}`}
              />
            </View>
          )}
          {sos.elder.emergencyContacts.map((c) => (
            <CallLink key={c.phone} name={c.name} phone={c.phone} relation={c.relation} />
          ))}
        </View>
      )}
      {ack.isError && <Text className="error-box">{ack.error.message}</Text>}
      {sos.status === 'open' ? (
        <Tap
          label={`我来处理：${sos.elderName}`}
          kind="danger"
          disabled={ack.isPending}
          onTap={() => ack.mutate()}
        />
      ) : (
        <Resolve sos={sos} />
      )}
    </View>
  );
}

/** Open and taken alarms of the worker's community, re-read every 3 seconds. */
export function SosPanel({ enabled }: { enabled: boolean }) {
  const sos = useQuery({
    queryKey: qk('desk-sos'),
    queryFn: async () => {
      const [open, acked] = await Promise.all([
        sosApi.list('?status=open'),
        sosApi.list('?status=acknowledged'),
      ]);
      return [...open.items, ...acked.items];
    },
    enabled,
    refetchInterval: 3000,
  });
  return (
    <View className="care__section">
      <Text className="care__heading">紧急呼叫与提醒（{sos.data?.length ?? 0}）</Text>
      {sos.data?.length === 0 && <Text className="hint">现在没有未处理的紧急呼叫或提醒。</Text>}
      {(sos.data ?? []).map((s) => (
        <SosCard key={s.id} sos={s} />
      ))}
    </View>
  );
}
