/**
 * 购买服务套餐 (the elder or family, from 上门服务): the price the server's engine gives this
 * elder (原价 → each subsidy → 应付), 助餐卡支付 or 到社区服务站付, one confirm button in the
 * page (no pop-ups), one Idempotency-Key per attempt; then what is left, and back.
 */
import { useEffect, useRef, useState } from 'react';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { BuyPackageBody } from '@yiyangtong/shared/src/schemas/packages';
import { request } from '../../../api/client';
import { monthLabel, type ElderPackage } from '../../../api/packages';
import { useProfile } from '../../../api/profile';
import { elderPackagesKey, leftWords, useElderPackages } from '../../../components/packages';
import { profileGate } from '../../../components/profile-gate';
import { Tap } from '../../../components/tap';
import { ServicePrice } from '../../../components/visit-parts';
import { PageTop } from '../../../components/page-top';
import { chinaDate, formatYuan } from '../../../format';
import '../../../components/care.scss';

export default function BuyPackagePage() {
  const { token, me } = useProfile();
  const qc = useQueryClient();
  const [params, setParams] = useState<Record<string, string>>({});
  useEffect(() => setParams((Taro.getCurrentInstance().router?.params ?? {}) as Record<string, string>), []);
  const { elderId = '', packageId = '', month = '' } = params;
  const packages = useElderPackages(elderId);
  const offer = packages.data?.offers.find((o) => o.packageId === packageId && o.month === month);
  const [payment, setPayment] = useState<'card' | 'counter' | ''>('');
  const attempt = useRef<{ sig: string; key: string } | null>(null);
  const buy = useMutation({
    mutationFn: () => {
      const body: BuyPackageBody = { packageId, month, payment: payment as 'card' | 'counter' };
      const sig = JSON.stringify(body);
      if (!attempt.current || attempt.current.sig !== sig)
        attempt.current = {
          sig,
          key: `pkg-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
        };
      return request<ElderPackage>('POST', `/api/elders/${encodeURIComponent(elderId)}/packages`, body, {
        'Idempotency-Key': attempt.current.key,
      });
    },
    onSuccess: () => {
      attempt.current = null;
      void qc.invalidateQueries({ queryKey: elderPackagesKey(elderId) });
    },
  });

  const gate = profileGate({
    title: '购买服务套餐',
    pageClass: 'services',
    leadClass: 'services__lead',
    signInLead: '请先登录，再购买服务套餐。',
    token,
    me,
    notForYou: null,
  });
  if (gate) return gate;

  const title = offer ? `${monthLabel(offer.month)}${offer.name}` : '';
  return (
    <View className="page services">
      <PageTop />
      <Text className="title">购买服务套餐</Text>
      {!(elderId && packageId && month) && (
        <Text className="error-box">没有指定套餐，请从「上门服务」进入。</Text>
      )}
      {packages.isError && <Text className="error-box">{packages.error.message}</Text>}
      {buy.isSuccess ? (
        <View className="care__card" aria-label="购买成功">
          <Text className="care__ok">
            已购买：{monthLabel(buy.data.month)}
            {buy.data.name}
          </Text>
          <Text className="text">{leftWords(buy.data, chinaDate(new Date()).slice(0, 7))}</Text>
          <Text className="text">
            {buy.data.payment.status === 'unpaid'
              ? `请到社区服务站付 ${formatYuan(buy.data.payment.amount)}`
              : `已付 ${formatYuan(buy.data.payment.amount)}`}
          </Text>
          <Tap label="回到上门服务" onTap={() => void Taro.navigateBack()} />
        </View>
      ) : (
        offer && (
          <View className="care__section" aria-label={`套餐 ${title}`}>
            <Text className="care__heading">{title}</Text>
            <Text className="text">
              {offer.itemName}每月 {offer.visitsPerMonth} 次。当月未用完的次数月底作废。
            </Text>
            <ServicePrice pricing={offer.pricing} />
            <Text className="text">怎么付款</Text>
            <View className="care__choices">
              <Tap
                label="助餐卡支付"
                kind="secondary"
                selected={payment === 'card'}
                onTap={() => setPayment('card')}
              />
              <Tap
                label="到社区服务站付"
                kind="secondary"
                selected={payment === 'counter'}
                onTap={() => setPayment('counter')}
              />
            </View>
            {buy.isError && <Text className="error-box">{buy.error.message}</Text>}
            <Tap
              label={
                payment ? `确认购买${title}，应付${formatYuan(offer.pricing.payable)}` : '请先选择付款方式'
              }
              disabled={!payment || buy.isPending}
              onTap={() => buy.mutate()}
            />
          </View>
        )
      )}
      {packages.data && !offer && !buy.isSuccess && elderId && (
        <Text className="hint">这个套餐现在不能购买（可能已经买过或已停售），请回到「上门服务」查看。</Text>
      )}
    </View>
  );
}
