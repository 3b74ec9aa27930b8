import { useState } from 'react';
import Taro, { useDidShow } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, clearToken, getToken } from '../../api/client';
import { roleLabel } from '../../roles';
import { noticeApi } from '../../api/services';
import '../../components/care.scss';
import { mealApi } from '../../api/meals';
import { itemsText } from '../../api/canteen';
import { Btn } from '../../components/ui';
import { slotLabel } from '../../format';
import './index.scss';
import { goLogin } from '../../components/profile-gate';
import { InviteFamily } from './invite-family';
import { qk } from '../../api/query-keys';

type Feature = 'meal' | 'service' | 'emergency';

const go = (url: string) => () => void Taro.navigateTo({ url });

/** Each role's own tasks, big buttons first on the home page. */
const ROLE_TASKS: Record<string, { label: string; url: string }[]> = {
  family: [{ label: '我的家人', url: '/packages/family/home/home' }],
  worker: [
    { label: '主动关怀', url: '/packages/worker/care/care' },
    { label: '长者名册', url: '/packages/worker/elders/elders' },
    { label: '登记长者', url: '/packages/worker/register/register' },
    { label: '批量订餐', url: '/packages/worker/batch/batch' },
    { label: '操作日志', url: '/packages/admin/audit/audit' },
  ],
  canteen_staff: [
    { label: '食堂柜台', url: '/pages/canteen-counter/canteen-counter' },
    { label: '发布菜单', url: '/packages/staff/menu/menu' },
    { label: '备餐预估', url: '/packages/staff/forecast/forecast' },
    { label: '送餐上门', url: '/packages/staff/delivery/delivery' },
    { label: '菜品', url: '/packages/staff/dishes/dishes' },
  ],
  admin: [
    // 恢复 a retired elder, 转社区: on the elder list (the worker's page, all communities for admin)
    { label: '长者名册', url: '/packages/worker/elders/elders' },
    { label: '优惠规则', url: '/packages/admin/rules/rules' },
    { label: '月度结算', url: '/packages/admin/settlement/settlement' },
    { label: '辖区数据', url: '/packages/admin/figures/figures' },
    { label: '服务质量', url: '/packages/admin/quality/quality' },
    { label: '账号管理', url: '/packages/admin/accounts/accounts' },
    { label: '操作日志', url: '/packages/admin/audit/audit' },
    { label: '食堂设置', url: '/packages/admin/canteens/canteens' },
    { label: '服务项目', url: '/packages/admin/services/services' },
    { label: '食堂柜台', url: '/pages/canteen-counter/canteen-counter' },
  ],
};

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
    queryKey: qk('me', token),
    queryFn: api.me,
    enabled: !!token,
    retry: (count, err) => !(err instanceof ApiError && err.status === 401) && count < 1,
  });

  // 长辈: tomorrow's lunch one tap away, and the last order to repeat.
  // ['me', token] may hold the login answer (no elderId): the full profile is read once more.
  const profile = useQuery({
    queryKey: qk('me', token, 'profile'),
    queryFn: api.me,
    enabled: !!token && me.data?.role === 'elder',
  });
  const elderId = (profile.data?.elderId as string | undefined) ?? '';
  const orders = useQuery({
    queryKey: qk('meal-orders', elderId),
    queryFn: () => mealApi.orders(elderId),
    enabled: !!elderId,
  });
  const last = orders.data?.items.find((o) => o.status !== 'cancelled');

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
          ? '/packages/worker/desk/desk'
          : key === 'service'
            ? role === 'provider'
              ? '/packages/provider/visits/visits'
              : '/pages/home-services/home-services'
            : '/pages/sos/sos';
    void Taro.navigateTo({ url });
  };
  const unread = useQuery({
    queryKey: qk('notices'),
    queryFn: noticeApi.list,
    enabled: !!me.data,
    refetchInterval: 15000,
  });
  const unreadCount = unread.data?.unread ?? 0;

  const sosOnTop = me.data?.role === 'elder' || me.data?.role === 'family';

  const logout = () => {
    clearToken();
    queryClient.removeQueries({ queryKey: qk('me') });
    setTokenState('');
  };

  return (
    <View className={me.data?.role === 'elder' ? 'page page--elder index' : 'page index'}>
      <Text className="title">颐养通</Text>

      {!token && (
        <View className="index__section">
          <Text className="text index__lead">请先登录，再使用订餐和上门服务。</Text>
          <Btn onClick={goLogin}>去登录</Btn>
        </View>
      )}

      {token && me.isPending && <Text className="text">正在加载…</Text>}

      {token && me.isError && !expired && (
        <View className="index__section">
          <Text className="error-box">{me.error.message}</Text>
          <Btn className="btn--secondary" onClick={() => me.refetch()}>
            重试
          </Btn>
        </View>
      )}

      {token && me.data && (
        <View className="index__section">
          <Text className="index__greeting">您好，{me.data.name}</Text>
          <Text className="hint index__role">身份：{roleLabel(me.data.role)}</Text>

          {/* Elders and family: SOS first, on the first screen of the smallest phone, whatever follows. */}
          {sosOnTop && (
            <Btn className="btn--danger index__sos" label="紧急呼叫" onClick={() => openFeature('emergency')}>
              <Text>紧急呼叫</Text>
            </Btn>
          )}

          {me.data.role === 'elder' && (
            <View className="index__features">
              <Btn
                className="index__big"
                label="订明天午餐"
                onClick={go('/pages/meal-booking/meal-booking?slot=lunch')}
              >
                订明天午餐
              </Btn>
              {last && (
                <Btn
                  className="index__big btn--secondary"
                  label={`和上次一样 ${slotLabel(last.slot)} ${itemsText(last.items)}`}
                  onClick={go(`/pages/meal-booking/meal-booking?repeat=${encodeURIComponent(last.id)}`)}
                >
                  <View className="index__again">
                    <Text className="index__again-title">和上次一样</Text>
                    <Text className="index__again-sub">
                      {slotLabel(last.slot)}：{itemsText(last.items)}
                    </Text>
                  </View>
                </Btn>
              )}
              <Btn className="btn--secondary" onClick={go('/pages/my-orders/my-orders')}>
                我的订单
              </Btn>
              <Btn className="btn--secondary" onClick={go('/pages/standing-orders/standing-orders')}>
                长期订餐
              </Btn>
              <Btn className="btn--secondary" onClick={go('/pages/meal-card/meal-card')}>
                我的助餐卡
              </Btn>
              {elderId && <InviteFamily elderId={elderId} />}
            </View>
          )}

          {(ROLE_TASKS[me.data.role] ?? []).length > 0 && (
            <View className="index__features">
              {ROLE_TASKS[me.data.role].map((t) => (
                <Btn key={t.url} onClick={go(t.url)}>
                  {t.label}
                </Btn>
              ))}
            </View>
          )}

          {me.data.role !== 'canteen_staff' && (
            <View className="index__features">
              {/* SOS is the bar on top for elders and family; a provider books no meals and raises
                  no SOS here: only their visits. */}
              {FEATURES.filter(
                (f) =>
                  !(sosOnTop && f.key === 'emergency') &&
                  (me.data.role !== 'provider' || f.key === 'service'),
              ).map((f) => (
                <View key={f.key} className="index__feature">
                  <Btn className={f.danger ? 'btn--danger' : undefined} onClick={() => openFeature(f.key)}>
                    {f.label}
                  </Btn>
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

          <Btn className="btn--secondary" onClick={logout}>
            退出登录
          </Btn>
        </View>
      )}
    </View>
  );
}
