/**
 * 待派单 on the desk: per visit, the providers who do that kind of work in the elder's
 * community first (fewest visits that day first), the others behind 「更多服务人员」;
 * choosing one asks for a confirmation in the card, and the panel then says it is done.
 * A visit a provider gave back shows who and why.
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { chinaDateTime, serviceApi, type Suggestion, type Visit } from '../../../api/services';
import { Tap } from '../../../components/tap';
import { qk } from '../../../api/query-keys';

function DispatchCard({ visit, onDone }: { visit: Visit; onDone: (words: string) => void }) {
  const qc = useQueryClient();
  const [more, setMore] = useState(false);
  const [chosen, setChosen] = useState<Suggestion | null>(null);
  const suggestions = useQuery({
    queryKey: qk('suggestions', visit.day, visit.item.id),
    queryFn: () => serviceApi.suggestions(visit.day, visit.item.id),
  });
  const dispatch = useMutation({
    mutationFn: (p: Suggestion) => serviceApi.act(visit.id, 'dispatch', { providerUserId: p.userId }),
    onSuccess: (_v, p) => {
      onDone(
        `已派单给 ${p.name}：${visit.item.name} · ${visit.elderName}，${chinaDateTime(visit.scheduledAt)}`,
      );
      return qc.invalidateQueries({ queryKey: qk('desk-visits') });
    },
  });
  const all = suggestions.data?.items ?? [];
  const fitting = all.filter((p) => p.fits);
  const others = all.filter((p) => !p.fits);
  const last = visit.timeline.at(-1);
  const choice = (p: Suggestion) => (
    <Tap
      key={p.userId}
      label={`派给${p.name}（当天已有${p.openVisits}单）`}
      kind="secondary"
      onTap={() => setChosen(p)}
    />
  );
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
      {last?.action === 'decline' && (
        <Text className="care__warn">
          {last.by.name} 退回：{last.note}
        </Text>
      )}
      {chosen ? (
        <View className="care__confirm" aria-label={`确认派单给${chosen.name}`}>
          <Text className="text">
            把「{visit.item.name} · {visit.elderName}」派给 {chosen.name}？
          </Text>
          {!chosen.fits && <Text className="care__warn">{chosen.name} 不在这类服务或本社区的名单里</Text>}
          {dispatch.isError && <Text className="error-box">{dispatch.error.message}</Text>}
          <Tap
            label={`确认派给${chosen.name}`}
            disabled={dispatch.isPending}
            onTap={() => dispatch.mutate(chosen)}
          />
          <Tap label="换一个人" kind="secondary" onTap={() => setChosen(null)} />
        </View>
      ) : (
        <View>
          {suggestions.isSuccess && fitting.length === 0 && (
            <Text className="hint">没有做这类服务的本社区服务人员，请从「更多服务人员」里选。</Text>
          )}
          {fitting.map(choice)}
          {others.length > 0 && !more && (
            <Tap label="更多服务人员" kind="secondary" onTap={() => setMore(true)} />
          )}
          {more && others.map(choice)}
        </View>
      )}
    </View>
  );
}

export function DispatchPanel({ visits }: { visits: Visit[] }) {
  const [done, setDone] = useState('');
  return (
    <View className="care__section">
      <Text className="care__heading">待派单（{visits.length}）</Text>
      {done && <Text className="ok-box">{done}</Text>}
      {visits.map((v) => (
        <DispatchCard key={v.id} visit={v} onDone={setDone} />
      ))}
    </View>
  );
}
