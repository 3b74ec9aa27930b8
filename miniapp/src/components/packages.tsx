/**
 * 服务套餐 on the home-services page: what is left this month (「本月上门助浴还剩 3 次」), and
 * the packages on offer with the price the server's engine gives this elder (subsidies
 * applied). Buying (price breakdown, card or counter) is its own page in the family
 * subpackage (packages/family/buy-package), so the elder's main package stays small.
 */
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useQuery } from '@tanstack/react-query';

import { monthLabel, packageApi, type ElderPackage } from '../api/packages';
import { formatYuan } from '../format';
import { Tap } from './tap';
import { qk } from '../api/query-keys';

export const elderPackagesKey = (elderId: string) => qk('elder-packages', elderId);

/** The elder's packages (this month and next) and the offers, shared with the booking form. */
export function useElderPackages(elderId: string) {
  return useQuery({
    queryKey: elderPackagesKey(elderId),
    queryFn: () => packageApi.ofElder(elderId),
    enabled: Boolean(elderId),
  });
}

export function leftWords(p: ElderPackage, thisMonth: string): string {
  return p.month === thisMonth
    ? `本月${p.itemName}还剩 ${p.remaining} 次`
    : `${monthLabel(p.month)}${p.itemName} ${p.remaining} 次，已买好`;
}

export function PackageSection({ elderId, thisMonth }: { elderId: string; thisMonth: string }) {
  const packages = useElderPackages(elderId);
  if (!elderId) return null;
  const items = packages.data?.items ?? [];
  const offers = (packages.data?.offers ?? []).filter((o) => !o.bought);
  return (
    <View className="care__section" aria-label="服务套餐">
      <Text className="care__heading">服务套餐</Text>
      <Text className="hint">当月未用完的次数月底作废。</Text>
      {packages.isError && <Text className="error-box">{packages.error.message}</Text>}
      {items.map((p) => (
        <View key={p.id} className="care__card" aria-label={leftWords(p, thisMonth)}>
          <Text className="care__strong">{leftWords(p, thisMonth)}</Text>
          <Text className="text">
            {monthLabel(p.month)}
            {p.name}，共 {p.visitsPerMonth} 次
            {p.payment.status === 'unpaid'
              ? `；请到社区服务站付 ${formatYuan(p.payment.amount)}`
              : `；已付 ${formatYuan(p.payment.amount)}`}
          </Text>
        </View>
      ))}
      {offers.map((o) => (
        <Tap
          key={`${o.packageId}:${o.month}`}
          label={`购买${monthLabel(o.month)}${o.name}，应付${formatYuan(o.pricing.payable)}`}
          kind="secondary"
          onTap={() =>
            void Taro.navigateTo({
              url: `/packages/family/buy-package/buy-package?elderId=${elderId}&packageId=${o.packageId}&month=${o.month}`,
            })
          }
        />
      ))}
    </View>
  );
}
