import { useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, clearToken, getToken } from '../../api/client';
import { roleLabel } from '../../roles';
import { noticeApi } from '../../api/services';
import '../../components/care.scss';
import './index.scss';
import { goLogin } from '../../components/profile-gate';

type Feature = 'meal' | 'service' | 'emergency';

const FEATURES: { key: Feature; label: string; danger?: boolean }[] = [
  { key: 'meal', label: '订餐' },
  { key: 'service', label: '上门服务' },
  { key: 'emergency', label: '紧急呼叫', danger: true },
];

export default function IndexPage() {
  const queryClient = useQueryClient();
  const [token, setTokenState] = useState(getToken());

  // Coming back from the login page: pick up the new token.
  useDidShow(() => setTokenState(getToken()));

  const me = useQuery({
    queryKey: ['me', token],
    queryFn: api.me,
    enabled: !!token,
    retry: (count, err) => !(err instanceof ApiError && err.status === 401) && count < 1,
  });

  const expired = me.error instanceof ApiError && me.error.status === 401;
  if (expired && token) {
    clearToken();
    setTokenState('');
  }

  // Each feature has its page; 上门服务 and 紧急呼叫 open the one for the user's role.
  const openFeature = (key: Feature) => {
    const role = me.data?.role;
    const staff = role === 'worker' || role === 'admin';
    const url =
      key === 'meal'
        ? '/pages/meal-booking/meal-booking'
        : staff
          ? '/pages/worker-desk/worker-desk'
          : key === 'service'
            ? role === 'provider'
              ? '/pages/provider-visits/provider-visits'
              : '/pages/home-services/home-services'
            : '/pages/sos/sos';
    void Taro.navigateTo({ url });
  };
  const unread = useQuery({
    queryKey: ['notices'],
    queryFn: noticeApi.list,
    enabled: !!me.data,
    refetchInterval: 15000,
  });
  const unreadCount = unread.data?.unread ?? 0;

  // 食堂工作人员: the counter page instead of the elder features.
  const openCounter = () => void Taro.navigateTo({ url: '/pages/canteen-counter/canteen-counter' });

  const logout = () => {
    clearToken();
    queryClient.removeQueries({ queryKey: ['me'] });
    setTokenState('');
  };

  return (
    <View className="page index">
      <Text className="title">颐养通</Text>

      {!token && (
        <View className="index__section">
          <Text className="text index__lead">请先登录，再使用订餐和上门服务。</Text>
          <Button className="btn" onClick={goLogin}>
            去登录
          </Button>
        </View>
      )}

      {token && me.isPending && <Text className="text">正在加载…</Text>}

      {token && me.isError && !expired && (
        <View className="index__section">
          <Text className="error-box">{me.error.message}</Text>
          <Button className="btn btn--secondary" onClick={() => me.refetch()}>
            重试
          </Button>
        </View>
      )}

      {token && me.data && (
        <View className="index__section">
          <Text className="index__greeting">您好，{me.data.name}</Text>
          <Text className="hint index__role">身份：{roleLabel(me.data.role)}</Text>

          {me.data.role === 'canteen_staff' ? (
            <View className="index__features">
              <Button className="btn" onClick={openCounter}>
                食堂柜台
              </Button>
            </View>
          ) : (
            <View className="index__features">
              {FEATURES.map((f) => (
                <View key={f.key} className="index__feature">
                  <Button className={f.danger ? 'btn btn--danger' : 'btn'} onClick={() => openFeature(f.key)}>
                    {f.label}
                  </Button>
                </View>
              ))}
            </View>
          )}

          <View
            className="btn btn--secondary index__notices"
            role="button"
            aria-label={unreadCount ? `消息通知，${unreadCount}条未读` : '消息通知'}
            onClick={() => void Taro.navigateTo({ url: '/pages/notifications/notifications' })}
          >
            <Text>消息通知</Text>
            {unreadCount > 0 && <Text className="care__badge">{unreadCount}</Text>}
          </View>

          <Button className="btn btn--secondary" onClick={logout}>
            退出登录
          </Button>
        </View>
      )}
    </View>
  );
}
