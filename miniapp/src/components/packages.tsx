/**
 * 服务套餐 on the home-services page: what is left this month (「本月上门助浴还剩 3 次」), and
 * the packages on offer with the price the server's engine gives this elder (subsidies
 * applied), bought by meal card or at the community's counter. One Idempotency-Key per
 * purchase attempt; everything inline, no pop-ups.
 */
import { useRef, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { noRetryOn4xx } from '../api/profile';
import { monthLabel, packageApi, type ElderPackage, type PackageOffer } from '../api/packages';
import { formatYuan } from '../format';
import { Tap } from './tap';
import { ServicePrice } from './visit-parts';

export const elderPackagesKey = (elderId: string) => ['elder-packages', elderId];

/** The elder's packages (this month and next) and the offers, shared with the booking form. */
export function useElderPackages(elderId: string) {
  return useQuery({
    queryKey: elderPackagesKey(elderId),
    queryFn: () => packageApi.ofElder(elderId),
    enabled: Boolean(elderId),
    retry: noRetryOn4xx,
  });
}

function leftWords(p: ElderPackage, thisMonth: string): string {
  return p.month === thisMonth
    ? `本月${p.itemName}还剩 ${p.remaining} 次`
    : `${monthLabel(p.month)}${p.itemName} ${p.remaining} 次，已买好`;
}

function Offer({
  elderId,
  offer,
  onBought,
}: {
  elderId: string;
  offer: PackageOffer;
  onBought: (p: ElderPackage) => void;
}) {
  const [open, setOpen] = useState(false);
  const [payment, setPayment] = useState<'card' | 'counter' | ''>('');
  const attempt = useRef<{ sig: string; key: string } | null>(null);
  const buy = useMutation({
    mutationFn: () => {
      const body = { packageId: offer.packageId, month: offer.month, payment: payment as 'card' | 'counter' };
      const sig = JSON.stringify(body);
      if (!attempt.current || attempt.current.sig !== sig)
        attempt.current = {
          sig,
          key: `pkg-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
        };
      return packageApi.buy(elderId, body, attempt.current.key);
    },
    onSuccess: (p) => {
      attempt.current = null;
      onBought(p);
    },
  });
  const title = `${monthLabel(offer.month)}${offer.name}`;
  return (
    <View className="care__card" aria-label={`套餐 ${title}`}>
      <Text className="care__strong">{title}</Text>
      <Text className="text">
        {offer.itemName}每月 {offer.visitsPerMonth} 次，应付 {formatYuan(offer.pricing.payable)}
      </Text>
      {!open ? (
        <Tap label={`选这个套餐：${title}`} kind="secondary" onTap={() => setOpen(true)}>
          <Text>选这个套餐</Text>
        </Tap>
      ) : (
        <View className="care__section">
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
            label={payment ? `购买${title}，应付${formatYuan(offer.pricing.payable)}` : '请先选择付款方式'}
            disabled={!payment || buy.isPending}
            onTap={() => buy.mutate()}
          />
          <Tap label="先不买" kind="secondary" onTap={() => setOpen(false)} />
        </View>
      )}
    </View>
  );
}

export function PackageSection({ elderId, thisMonth }: { elderId: string; thisMonth: string }) {
  const qc = useQueryClient();
  const packages = useElderPackages(elderId);
  const [done, setDone] = useState('');
  if (!elderId) return null;
  const items = packages.data?.items ?? [];
  const offers = (packages.data?.offers ?? []).filter((o) => !o.bought);
  return (
    <View className="care__section" aria-label="服务套餐">
      <Text className="care__heading">服务套餐</Text>
      <Text className="hint">当月未用完的次数月底作废。</Text>
      {packages.isError && <Text className="error-box">{packages.error.message}</Text>}
      {done && <Text className="care__ok">{done}</Text>}
      {items.map((p) => (
        <View key={p.id} className="care__card" aria-label={leftWords(p, thisMonth)}>
          <Text className="care__strong">{leftWords(p, thisMonth)}</Text>
          <Text className="text">
            {monthLabel(p.month)}
            {p.name}，共 {p.visitsPerMonth} 次
            {p.payment.method === 'counter' && p.payment.status === 'unpaid'
              ? `；请到社区服务站付 ${formatYuan(p.payment.amount)}`
              : `；已付 ${formatYuan(p.payment.amount)}`}
          </Text>
        </View>
      ))}
      {offers.map((o) => (
        <Offer
          key={`${o.packageId}:${o.month}`}
          elderId={elderId}
          offer={o}
          onBought={(p) => {
            setDone(`已购买：${monthLabel(p.month)}${p.name}。${leftWords(p, thisMonth)}`);
            void qc.invalidateQueries({ queryKey: elderPackagesKey(elderId) });
          }}
        />
      ))}
    </View>
  );
}
