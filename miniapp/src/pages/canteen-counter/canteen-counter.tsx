/**
 * 食堂柜台 (canteen_staff). One page, one path, everything inline (no modals/toasts):
 *   哪天 (今天/明天, China time) · 哪一餐 → 核销取餐 (6-digit 取餐码) → 备餐汇总 (server totals)
 *   → 订单列表 (确认 each placed order).
 * Every figure comes from GET /api/canteens/:id/orders; after a pickup or a confirmation the
 * list is fetched again.
 */
import { useState } from 'react';
import { Input, Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../api/client';
import { canteenApi, itemsText, statusLabel, type OrderStatus } from '../../api/canteen';
import type { MealOrder } from '../../api/meals';
import {
  addDays,
  chinaDate,
  dateLabel,
  formatYuan,
  fulfilmentLabel,
  slotLabel,
  type Slot,
} from '../../format';
import { roleLabel } from '../../roles';
import { cls, useProfile } from '../../api/profile';
import { useWorkingCanteen } from '../../api/working-canteen';
import { profileGate } from '../../components/profile-gate';
import './canteen-counter.scss';
import { Btn, Choice, HomeButton, CanteenChoices } from '../../components/ui';
import { PageTop } from '../../components/page-top';
import { qk } from '../../api/query-keys';

const SLOTS: Slot[] = ['breakfast', 'lunch', 'dinner'];
const COUNT_KEYS: OrderStatus[] = ['placed', 'confirmed', 'served', 'cancelled'];

/** 到店付 to collect, or already paid by card: what the counter must know about money. */
function paymentText(o: MealOrder): string {
  const p = o.payment;
  if (!p || p.amount === 0) return '';
  if (p.method === 'card')
    return p.status === 'refunded' ? '助餐卡（已退款）' : `助餐卡已付 ${formatYuan(p.amount)}`;
  if (o.status === 'cancelled') return ''; // nothing to collect for a cancelled meal
  if (o.fulfilment === 'delivery')
    return p.status === 'paid' ? `送到时付 已收 ${formatYuan(p.amount)}` : `送到时收 ${formatYuan(p.amount)}`;
  return p.status === 'paid' ? `到店付 已收 ${formatYuan(p.amount)}` : `到店付 应收 ${formatYuan(p.amount)}`;
}

/** 「代订」 when someone other than the elder booked. */
function bookedByText(o: MealOrder): string {
  if (o.bookedBy.role === 'elder') return '长者本人订';
  const who = roleLabel(o.bookedBy.role);
  return o.bookedBy.name ? `${who} ${o.bookedBy.name} 代订` : `${who}代订`;
}

export default function CanteenCounterPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const role = me.data?.role;
  // Staff work at their own canteen; an admin chooses the canteen first.
  const { canteenId, canteens: allCanteens, pick: setAdminCanteenId } = useWorkingCanteen(me.data);

  // ---- 哪天 / 哪一餐 ----------------------------------------------------------------------------
  const [dayOffset, setDayOffset] = useState<0 | 1>(0);
  const [slot, setSlot] = useState<Slot>('lunch');
  const today = chinaDate(Date.now());
  const date = addDays(today, dayOffset);

  const orders = useQuery({
    queryKey: qk('canteen-orders', canteenId, date, slot),
    queryFn: () => canteenApi.orders(canteenId, date, slot),
    enabled: !!canteenId,
    staleTime: 0,
  });
  const refreshOrders = () => queryClient.invalidateQueries({ queryKey: qk('canteen-orders', canteenId) });

  // ---- 核销取餐 ----------------------------------------------------------------------------------
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState('');
  const [served, setServed] = useState<MealOrder | null>(null);
  const pickup = useMutation({
    mutationFn: (v: { code: string; date: string }) => canteenApi.pickup(canteenId, v.code, v.date),
    onMutate: () => {
      setServed(null);
      setCodeError('');
    },
    onSuccess: (order) => {
      setServed(order);
      setCode('');
      void refreshOrders();
    },
    onError: (err) => {
      // Another day's code: the server says whose day it is ("这是明天（12月5日）午餐的订单…").
      setCodeError(
        err instanceof ApiError && err.status === 404
          ? err.details.orderDate
            ? err.message
            : '取餐码不存在'
          : err.message,
      );
      void refreshOrders();
    },
  });
  const checkOut = () => {
    if (pickup.isPending) return;
    const c = code.trim();
    if (!/^\d{6}$/.test(c)) {
      setServed(null);
      setCodeError('请输入6位数字取餐码');
      return;
    }
    pickup.mutate({ code: c, date });
  };

  // ---- 确认订单 ----------------------------------------------------------------------------------
  const confirm = useMutation({
    mutationFn: (orderId: string) => canteenApi.confirm(orderId),
    onSettled: () => refreshOrders(),
  });

  // ---- Render -----------------------------------------------------------------------------------
  const gate = profileGate({
    title: '食堂柜台',
    pageClass: 'counter',
    leadClass: 'counter__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou:
      canteenId || role === 'admin'
        ? null
        : role === 'canteen_staff'
          ? '您的账号还没有关联食堂，请联系管理员。'
          : '只有食堂工作人员可以使用食堂柜台。',
  });
  if (gate) return gate;

  if (role === 'admin' && !canteenId) {
    return (
      <View className="page counter">
        <PageTop />
        <Text className="title">食堂柜台</Text>
        <Text className="text counter__lead">请选择食堂：</Text>
        <CanteenChoices q={allCanteens} selectedId="" onPick={(c) => setAdminCanteenId(c.id)} />
        <HomeButton />
      </View>
    );
  }

  const data = orders.data;
  const confirmingId = confirm.isPending ? confirm.variables : undefined;
  const confirmErrorId = confirm.isError ? confirm.variables : undefined;

  return (
    <View className="page counter">
      <PageTop />
      <Text className="title">食堂柜台</Text>

      <View className="row counter__row">
        <Choice
          selected={dayOffset === 0}
          label="今天"
          sub={dateLabel(today)}
          onClick={() => setDayOffset(0)}
        />
        <Choice
          selected={dayOffset === 1}
          label="明天"
          sub={dateLabel(addDays(today, 1))}
          onClick={() => setDayOffset(1)}
        />
      </View>
      <View className="row counter__row">
        {SLOTS.map((s) => (
          <Choice key={s} selected={s === slot} label={slotLabel(s)} onClick={() => setSlot(s)} />
        ))}
      </View>

      {/* 1. 核销取餐 */}
      <View className="counter__section counter__pickup">
        <Text className="counter__heading">核销取餐</Text>
        <Input
          className="counter__code"
          type="number"
          maxlength={6}
          {...{ nativeProps: { 'aria-label': '取餐码' } }}
          placeholder="输入6位取餐码"
          placeholderClass="counter__placeholder"
          value={code}
          onInput={(e) => {
            const v = String(e.detail.value ?? '')
              .replace(/\D/g, '')
              .slice(0, 6);
            setCode(v);
            return v;
          }}
          onConfirm={checkOut}
        />
        <Btn className={cls('counter__checkout', pickup.isPending && 'btn--busy')} onClick={checkOut}>
          {pickup.isPending ? '正在核销…' : '核销'}
        </Btn>
        {served && (
          <View className="counter__served">
            <Text className="counter__served-text">
              已取餐：{served.elderName ?? ''} {itemsText(served.items)}
            </Text>
            {served.payment && served.payment.amount > 0 && (
              <Text className={served.payment.method === 'counter' ? 'counter__collect' : 'text'}>
                {served.payment.method === 'counter'
                  ? `到店付：请收 ${formatYuan(served.payment.amount)}`
                  : `已用助餐卡付 ${formatYuan(served.payment.amount)}，不用收钱`}
              </Text>
            )}
            {(served.slot !== slot || served.date !== date) && (
              <Text className="hint">
                {dateLabel(served.date)} {slotLabel(served.slot)}
              </Text>
            )}
          </View>
        )}
        {codeError && <Text className="error-box counter__code-error">{codeError}</Text>}
      </View>

      <Text className="hint counter__when">
        {dayOffset === 0 ? '今天' : '明天'} {dateLabel(date)} · {slotLabel(slot)}
      </Text>

      {orders.isPending && <Text className="text">正在加载订单…</Text>}
      {orders.isError && (
        <View>
          <Text className="error-box">{orders.error.message}</Text>
          <Btn className="btn--secondary" onClick={() => orders.refetch()}>
            重新加载
          </Btn>
        </View>
      )}

      {/* 2. 备餐汇总 */}
      {data && (
        <View className="counter__section counter__totals">
          <Text className="counter__heading">备餐汇总</Text>
          {data.totals.length === 0 && <Text className="text">这一餐还没有要做的菜。</Text>}
          {data.totals.map((t) => (
            <View key={`${t.slot}:${t.dishId}`} className="counter__total">
              <Text className="counter__total-name">{t.name}</Text>
              <Text className="counter__total-qty">× {t.qty}</Text>
            </View>
          ))}
          <View className="counter__counts">
            {COUNT_KEYS.map((k) => (
              <View key={k} className={cls('counter__count', `counter__count--${k}`)}>
                <Text className="counter__count-label">{statusLabel(k)}</Text>
                <Text className="counter__count-value">{data.counts[k] ?? 0}</Text>
              </View>
            ))}
          </View>
        </View>
      )}

      {/* 3. 订单列表 */}
      {data && (
        <View className="counter__section counter__orders">
          <Text className="counter__heading">订单列表（{data.items.length}）</Text>
          {data.items.length === 0 && <Text className="text">这一餐还没有订单。</Text>}
          {data.items.map((o) => (
            <View key={o.id} className={cls('counter__order', `counter__order--${o.status}`)}>
              <View className="counter__order-head">
                <Text className="counter__order-name">{o.elderName ?? ''}</Text>
                <Text className={cls('counter__status', `counter__status--${o.status}`)}>
                  {statusLabel(o.status)}
                </Text>
              </View>
              <Text className="text counter__order-items">{itemsText(o.items)}</Text>
              <Text className="hint counter__order-meta">
                {fulfilmentLabel(o.fulfilment)}
                {o.address ? `（${o.address}）` : ''} · {bookedByText(o)}
              </Text>
              {paymentText(o) && <Text className="text counter__order-pay">{paymentText(o)}</Text>}
              {o.status === 'placed' && (
                <Btn
                  className={cls('counter__confirm', confirmingId === o.id && 'btn--busy')}
                  onClick={() => !confirm.isPending && confirm.mutate(o.id)}
                >
                  {confirmingId === o.id ? '正在确认…' : '确认'}
                </Btn>
              )}
              {confirmErrorId === o.id && confirm.error && (
                <Text className="error-box">{confirm.error.message}</Text>
              )}
            </View>
          ))}
        </View>
      )}

      {data && (
        <Btn className="btn--secondary" onClick={() => void refreshOrders()}>
          {orders.isFetching ? '正在刷新…' : '刷新订单'}
        </Btn>
      )}

      <HomeButton />
    </View>
  );
}
