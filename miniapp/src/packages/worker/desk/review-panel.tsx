/**
 * 待审核 on the desk: visits checked in far from home or far shorter than the item. Until a
 * worker approves one it is not counted as served nor billed; rejecting needs a note.
 */
import { useState } from 'react';
import { Input, Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { chinaDateTime, serviceApi, type Visit } from '../../../api/services';
import { Tap } from '../../../components/tap';
import { Timeline } from '../../../components/visit-parts';
import { qk } from '../../../api/query-keys';

function ReviewCard({ visit, onDone }: { visit: Visit; onDone: (words: string) => void }) {
  const qc = useQueryClient();
  const [notes, setNotes] = useState('');
  const review = useMutation({
    mutationFn: (approve: boolean) =>
      serviceApi.act(visit.id, 'review', { approve, ...(notes.trim() ? { notes: notes.trim() } : {}) }),
    onSuccess: (_v, approve) => {
      onDone(
        `${visit.item.name} · ${visit.elderName}：${approve ? '已审核通过，计入服务并结算' : '已审核不通过，不结算'}`,
      );
      return qc.invalidateQueries({ queryKey: qk('desk-reviews') });
    },
  });
  return (
    <View
      className="care__card"
      aria-label={`${visit.elderName} ${visit.item.name} ${chinaDateTime(visit.scheduledAt)} 待审核`}
    >
      <Text className="care__strong">
        {visit.item.name} · {visit.elderName}
      </Text>
      <Text className="text">
        {visit.provider?.name} 服务 {visit.durationMin ?? 0} 分钟（项目 {visit.item.durationMin} 分钟）
      </Text>
      {(visit.review?.reasons ?? []).map((r) => (
        <Text key={r} className="care__warn">
          {r}
        </Text>
      ))}
      <Timeline visit={visit} />
      <Input
        className="care__input"
        placeholder="审核说明（不通过时必填）"
        value={notes}
        onInput={(e) => setNotes(e.detail.value)}
      />
      {review.isError && <Text className="error-box">{review.error.message}</Text>}
      <Tap
        label={`审核通过：${visit.elderName}`}
        disabled={review.isPending}
        onTap={() => review.mutate(true)}
      />
      <Tap
        label={notes.trim() ? `审核不通过：${visit.elderName}` : '不通过请先写说明'}
        kind="danger"
        disabled={!notes.trim() || review.isPending}
        onTap={() => review.mutate(false)}
      />
    </View>
  );
}

export function ReviewPanel({ enabled }: { enabled: boolean }) {
  const [done, setDone] = useState('');
  const reviews = useQuery({
    queryKey: qk('desk-reviews'),
    queryFn: serviceApi.reviews,
    enabled,
    refetchInterval: 5000,
  });
  const items = reviews.data?.items ?? [];
  return (
    <View className="care__section">
      <Text className="care__heading">待审核（{items.length}）</Text>
      {done && <Text className="ok-box">{done}</Text>}
      {reviews.isSuccess && items.length === 0 && !done && <Text className="hint">没有需要审核的服务。</Text>}
      {items.map((v) => (
        <ReviewCard key={v.id} visit={v} onDone={setDone} />
      ))}
    </View>
  );
}
