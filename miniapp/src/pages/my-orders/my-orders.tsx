/**
 * 我的订单 (elder; a family member or worker sees one elder's with ?elderId=):
 * upcoming meals with the pickup code large enough to show at the counter, then past meals.
 * Cancel before the cut-off with ONE in-page confirmation (no browser dialog) that says the
 * portions go back to the canteen, and a plain message after it. A delivery order shows no
 * pickup code (送餐上门); a cancelled one no amount to pay; someone else's elder's orders are
 * titled with the elder's name ("张桂兰的订单"), not 我的订单.
 */
import { useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { itemsText, statusLabel } from '../../api/canteen';
import { plainError } from '../../api/client';
import { mealApi, type MealOrder } from '../../api/meals';
import { useProfile } from '../../api/profile';
import { profileGate } from '../../components/profile-gate';
import { Btn, Empty, ErrorBox, Loading, PriceBreakdown, Section, HomeButton } from '../../components/ui';
import { chinaDate, cutoffText, dateLabel, formatYuan, fulfilmentLabel, slotLabel } from '../../format';
import { roleLabel } from '../../roles';
import './my-orders.scss';
import { PageTop } from '../../components/page-top';
import { qk } from '../../api/query-keys';

const SLOT_ORDER: Record<string, number> = { breakfast: 0, lunch: 1, dinner: 2 };
const mealKey = (o: MealOrder) => `${o.date}:${SLOT_ORDER[o.slot] ?? 9}`;

function bookedByText(o: MealOrder): string {
  if (o.bookedBy.role === 'elder') return '本人订';
  return `由${roleLabel(o.bookedBy.role)}${o.bookedBy.name ? ` ${o.bookedBy.name} ` : ''}代订`;
}

/** What is still to pay, and how: 已从助餐卡付 / 到店付（取餐时付）/ 送到时付. */
function payText(o: MealOrder): string {
  const amount = formatYuan(o.payment?.amount ?? o.pricing.payable);
  if (o.payment?.method === 'card') return `已从助餐卡付 ${amount}`;
  if ((o.payment?.amount ?? o.pricing.payable) === 0) return '不用付钱';
  return o.fulfilment === 'delivery' ? `送到时付 ${amount}` : `应付 ${amount}（取餐时付）`;
}

function cancelledText(o: MealOrder): string {
  return o.payment?.method === 'card' && o.payment.amount > 0
    ? `已取消，${formatYuan(o.payment.amount)} 已退回助餐卡`
    : '已取消，不用付钱';
}

export default function MyOrdersPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const role = me.data?.role;
  const params = useRouter().params as Record<string, string | undefined>;
  const elderId =
    role === 'elder' ? ((me.data?.elderId as string | undefined) ?? '') : (params.elderId ?? '');

  const orders = useQuery({
    queryKey: qk('meal-orders', elderId),
    queryFn: () => mealApi.orders(elderId),
    enabled: !!elderId,
    staleTime: 0,
  });
  const canteens = useQuery({ queryKey: qk('canteens', null, null), queryFn: () => mealApi.canteens() });
  const elder = useQuery({
    queryKey: qk('elder', elderId),
    queryFn: () => mealApi.elder(elderId),
    enabled: !!elderId && role !== 'elder',
  });
  const title = role === 'elder' ? '我的订单' : elder.data ? `${elder.data.name}的订单` : '长者的订单';
  const canteenName = (id: string) => canteens.data?.items.find((c) => c.id === id)?.name ?? '食堂';

  // The one confirmation: which order is being asked about, and what happened after.
  const [asking, setAsking] = useState<string | null>(null);
  const [done, setDone] = useState<MealOrder | null>(null);
  const cancel = useMutation({
    mutationFn: (id: string) => mealApi.cancel(id),
    onSuccess: (order) => {
      setAsking(null);
      setDone(order);
      void queryClient.invalidateQueries({ queryKey: qk('meal-orders') });
      void queryClient.invalidateQueries({ queryKey: qk('menu') });
    },
  });

  const gate = profileGate({
    title: '我的订单',
    pageClass: 'orders',
    leadClass: 'orders__lead',
    signInLead: '请先登录，再查看订单。',
    token,
    me,
    notForYou: elderId ? null : '请先选择一位长者。',
  });
  if (gate) return gate;

  const now = Date.now();
  const today = chinaDate(now);
  const all = orders.data?.items ?? [];
  const upcoming = all
    .filter((o) => o.date >= today && o.status !== 'cancelled' && o.status !== 'served')
    .sort((a, b) => mealKey(a).localeCompare(mealKey(b)));
  const past = all.filter((o) => !upcoming.includes(o)).sort((a, b) => mealKey(b).localeCompare(mealKey(a)));

  const when = (o: MealOrder) => `${dateLabel(o.date)} ${slotLabel(o.slot)}`;

  return (
    <View className={role === 'elder' ? 'page page--elder orders' : 'page orders'}>
      <PageTop />
      <Text className="title">{title}</Text>

      {done && (
        <Text className="ok-box orders__done">已取消 {when(done)} 的订餐。份数已退回食堂，不用付钱。</Text>
      )}

      {orders.isPending && <Loading what="订单" />}
      {orders.isError && <ErrorBox message={orders.error.message} onRetry={() => orders.refetch()} />}

      {orders.data && (
        <Section title="要吃的餐">
          {upcoming.length === 0 && <Empty>还没有要吃的餐。</Empty>}
          {upcoming.map((o) => {
            const open = !o.cutoffAt || Date.parse(o.cutoffAt) > now;
            return (
              <View key={o.id} className="card orders__card orders__upcoming">
                <Text className="card__title">{when(o)}</Text>
                <Text className="text">
                  {canteenName(o.canteenId)} · {fulfilmentLabel(o.fulfilment)}
                </Text>
                <Text className="text">{itemsText(o.items)}</Text>
                {o.fulfilment === 'delivery' ? (
                  <Text className="text orders__delivery">送餐上门{o.address ? `：${o.address}` : ''}</Text>
                ) : (
                  <View>
                    <Text className="orders__code-label">取餐码</Text>
                    <Text className="orders__code pickup-code">{o.pickupCode}</Text>
                  </View>
                )}
                <Text className="hint">
                  {payText(o)} · {bookedByText(o)}
                </Text>
                {open && o.cutoffAt && (
                  <Text className="hint">{cutoffText(o.slot, o.date, o.cutoffAt)}，截止前可以取消</Text>
                )}
                {!open && <Text className="hint">已过截止时间，不能取消</Text>}
                {open && asking !== o.id && (
                  <Btn
                    className="btn--secondary orders__cancel"
                    label={`取消这餐 ${when(o)}`}
                    onClick={() => {
                      cancel.reset();
                      setDone(null);
                      setAsking(o.id);
                    }}
                  >
                    取消这餐
                  </Btn>
                )}
                {asking === o.id && (
                  <View className="orders__confirm" {...{ role: 'group', 'aria-label': '确认取消' }}>
                    <Text className="text orders__question">
                      确定不要 {when(o)} 这餐了吗？取消后份数会退回食堂，别人可以订。
                    </Text>
                    {cancel.isError && <Text className="error-box">{plainError(cancel.error)}</Text>}
                    <Btn
                      className="btn--danger"
                      label="确定取消"
                      onClick={() => !cancel.isPending && cancel.mutate(o.id)}
                    >
                      {cancel.isPending ? '正在取消…' : '确定取消'}
                    </Btn>
                    <Btn className="btn--secondary" onClick={() => setAsking(null)}>
                      不取消了
                    </Btn>
                  </View>
                )}
              </View>
            );
          })}
        </Section>
      )}

      {orders.data && (
        <Section title="吃过的和取消的">
          {past.length === 0 && <Empty>还没有以前的订单。</Empty>}
          {past.map((o) => (
            <View key={o.id} className="card orders__card orders__past">
              <Text className="card__title">
                {when(o)} · {statusLabel(o.status)}
              </Text>
              <Text className="text">
                {canteenName(o.canteenId)} · {itemsText(o.items)}
              </Text>
              {o.status === 'cancelled' ? (
                <Text className="hint">{cancelledText(o)}</Text>
              ) : (
                <PriceBreakdown pricing={o.pricing} />
              )}
            </View>
          ))}
        </Section>
      )}

      <HomeButton />
    </View>
  );
}
