/**
 * 服务项目 (admin): the home-service catalogue with 改价 and 停用 / 恢复. New visits use the
 * new price; visits already booked keep theirs. A withdrawn item is no longer listed for
 * booking and cannot be booked. Below, the monthly 服务套餐 (components/package-admin.tsx).
 * Works on a phone and at a desk (1366×768).
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { SERVICE_CATEGORY_NAMES } from '@yiyangtong/shared/src/services/catalogue';
import { useProfile } from '../../../api/profile';
import { adminApi } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import { PriceRow } from '../../../components/price-row';
import { Empty, ErrorBox, HomeButton, Loading, Section } from '../../../components/ui';
import { PageTop } from '../../../components/page-top';
import { PackageAdmin } from '../../../components/package-admin';
import '../../../components/price-row.scss';
import { qk } from '../../../api/query-keys';

export default function ServicesPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const isAdmin = me.data?.role === 'admin';
  const items = useQuery({
    queryKey: qk('admin-service-items', token),
    queryFn: adminApi.serviceItems,
    enabled: isAdmin,
  });
  const [done, setDone] = useState('');

  const gate = profileGate({
    title: '服务项目',
    pageClass: 'services',
    leadClass: 'services__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: isAdmin ? null : '只有管理员可以修改服务项目。',
  });
  if (gate) return gate;

  return (
    <View className="page services price-rows">
      <PageTop />
      <Text className="title">服务项目</Text>
      <Text className="hint">新价格用于此后预约的服务，已约的服务价格不变。停用的项目不能再预约。</Text>
      {done && <Text className="ok-box">{done}</Text>}
      <Section title="上门服务项目">
        {items.isPending && <Loading what="服务项目" />}
        {items.isError && <ErrorBox message={items.error.message} onRetry={() => items.refetch()} />}
        {items.data?.items.length === 0 && <Empty>还没有服务项目。</Empty>}
        {items.data?.items.map((i) => (
          <PriceRow
            key={i.id}
            name={i.name}
            price={i.price}
            unit={i.unit === 'hour' ? '/小时' : '/次'}
            detail={`${(SERVICE_CATEGORY_NAMES as Record<string, string>)[i.category] ?? i.category} · 约 ${i.durationMin} 分钟`}
            retired={!!i.retired}
            retireWord="停用"
            change={(body) => adminApi.changeServiceItem(i.id, body)}
            onChanged={(words) => {
              setDone(words);
              void queryClient.invalidateQueries({ queryKey: qk('admin-service-items') });
            }}
          />
        ))}
      </Section>
      {items.data && <PackageAdmin items={items.data.items} />}
      <HomeButton />
    </View>
  );
}
