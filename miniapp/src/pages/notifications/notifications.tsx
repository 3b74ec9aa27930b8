/** 消息通知: my notices, newest first; unread ones marked 未读; tap one to mark it read. */
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProfile } from '../../api/profile';
import { chinaDateTime, noticeApi } from '../../api/services';
import { goHome, profileGate } from '../../components/profile-gate';
import { Tap } from '../../components/tap';
import '../../components/care.scss';
import { PageTop } from '../../components/page-top';
import { qk } from '../../api/query-keys';

export default function NotificationsPage() {
  const { token, me } = useProfile();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: qk('notices'),
    queryFn: noticeApi.list,
    enabled: !!me.data,
    refetchInterval: 5000,
  });
  const refresh = () => qc.invalidateQueries({ queryKey: qk('notices') });
  const read = useMutation({ mutationFn: noticeApi.read, onSuccess: refresh });
  const readAll = useMutation({ mutationFn: noticeApi.readAll, onSuccess: refresh });
  const gate = profileGate({
    title: '消息通知',
    pageClass: 'notices',
    leadClass: 'notices__lead',
    signInLead: '请先登录，再查看消息。',
    token,
    me,
    notForYou: null,
  });
  if (gate) return gate;
  const items = list.data?.items ?? [];
  return (
    <View className="page notices">
      <PageTop />
      <Text className="title">消息通知</Text>
      <Text className="text">未读 {list.data?.unread ?? 0} 条</Text>
      {(list.data?.unread ?? 0) > 0 && (
        <Tap label="全部标为已读" kind="secondary" onTap={() => readAll.mutate()} />
      )}
      {items.length === 0 && <Text className="hint">还没有消息。</Text>}
      {items.map((n) => (
        <View key={n.id} className={`care__card ${n.readAt ? '' : 'care__card--alert'}`}>
          <Text className="care__strong">
            {n.readAt ? '' : '【未读】'}
            {n.title}
          </Text>
          <Text className="text">{n.body}</Text>
          <Text className="hint">{chinaDateTime(n.createdAt)}</Text>
          {!n.readAt && (
            <Tap label={`标为已读：${n.title}`} kind="secondary" onTap={() => read.mutate(n.id)} />
          )}
        </View>
      ))}
      <Tap label="返回首页" kind="secondary" onTap={goHome} />
    </View>
  );
}
