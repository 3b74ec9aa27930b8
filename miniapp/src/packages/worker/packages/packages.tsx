/**
 * 服务套餐 of one elder (community worker, admin): what the elder has this month and next,
 * how much is left, and for a package to be paid at the community's counter the 已收款 button
 * the worker taps once the money is taken (recorded with who took it, on the audit log).
 */
import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { request } from '../../../api/client';
import { monthLabel, packageApi, type ElderPackage } from '../../../api/packages';
import { useProfile } from '../../../api/profile';
import { profileGate } from '../../../components/profile-gate';
import { Btn, Empty, ErrorBox, HomeButton, Loading, Section } from '../../../components/ui';
import { PageTop } from '../../../components/page-top';
import { formatYuan } from '../../../format';
import { qk } from '../../../api/query-keys';

function Collect({ elderId, p }: { elderId: string; p: ElderPackage }) {
  const qc = useQueryClient();
  const collect = useMutation({
    mutationFn: () =>
      request<ElderPackage>('POST', `/api/elders/${encodeURIComponent(elderId)}/packages/collect`, {
        packageId: p.packageId,
        month: p.month,
      }),
    onSuccess: () => qc.invalidateQueries({ queryKey: qk('elder-packages', elderId) }),
  });
  return (
    <View>
      {collect.isError && <ErrorBox message={collect.error.message} />}
      <Btn
        label={`已收款 ${formatYuan(p.payment.amount)}：${monthLabel(p.month)}${p.name}`}
        disabled={collect.isPending}
        onClick={() => collect.mutate()}
      >
        已收款 {formatYuan(p.payment.amount)}
      </Btn>
    </View>
  );
}

export default function WorkerPackagesPage() {
  const { token, me } = useProfile();
  const role = me.data?.role;
  const [elderId, setElderId] = useState('');
  useEffect(() => setElderId(Taro.getCurrentInstance().router?.params?.elderId ?? ''), []);
  const allowed = Boolean(elderId) && (role === 'worker' || role === 'admin');
  const packages = useQuery({
    queryKey: qk('elder-packages', elderId),
    queryFn: () => packageApi.ofElder(elderId),
    enabled: allowed,
  });

  const gate = profileGate({
    title: '服务套餐',
    pageClass: 'worker-packages',
    leadClass: 'worker-packages__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: role === 'worker' || role === 'admin' ? null : '只有社区助老员可以登记套餐收款。',
  });
  if (gate) return gate;

  return (
    <View className="page worker-packages">
      <PageTop />
      <Text className="title">服务套餐</Text>
      {!elderId && <Text className="error-box">没有指定长者，请从长者名册进入。</Text>}
      <Text className="hint">当月未用完的次数月底作废。到社区服务站付款的套餐，收到钱后点「已收款」。</Text>
      {elderId && (
        <Section title="本月和下月的套餐">
          {packages.isPending && <Loading what="服务套餐" />}
          {packages.isError && (
            <ErrorBox message={packages.error.message} onRetry={() => packages.refetch()} />
          )}
          {packages.data?.items.length === 0 && <Empty>这位长者还没有买套餐。</Empty>}
          {packages.data?.items.map((p) => (
            <View key={p.id} className="card">
              <Text className="card__title">
                {monthLabel(p.month)}
                {p.name}
              </Text>
              <Text className="text">
                {p.itemName}还剩 {p.remaining} 次（共 {p.visitsPerMonth} 次）
              </Text>
              <Text className="text">
                {p.payment.status === 'paid'
                  ? `已付 ${formatYuan(p.payment.amount)}（${p.payment.method === 'card' ? '助餐卡' : '社区服务站'}）`
                  : `待收款 ${formatYuan(p.payment.amount)}（到社区服务站付）`}
              </Text>
              {p.payment.status === 'unpaid' && <Collect elderId={elderId} p={p} />}
            </View>
          ))}
        </Section>
      )}
      <HomeButton />
    </View>
  );
}
