/**
 * 订餐: one page, one path, everything inline (no modals/toasts):
 *   为谁订 → 食堂 → 哪天 → 哪一餐 (cut-off shown) → 菜品数量 → 取餐方式 → 价格明细 (server quote)
 *   → 确认订餐 → result on the same page (取餐码, details, the same price breakdown).
 * Every price shown comes from the server (POST /api/pricing/quote or the order); the page
 * only formats fen as 元.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import Taro from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, type User } from '../../api/client';
import {
  mealApi,
  newIdempotencyKey,
  type Canteen,
  type Elder,
  type MealOrder,
  type MenuSlot,
  type Pricing,
  type QuoteBody,
} from '../../api/meals';
import {
  addDays,
  chinaDate,
  cutoffText,
  dateLabel,
  formatDiscount,
  formatYuan,
  fulfilmentLabel,
  funderLabel,
  slotLabel,
  type Fulfilment,
  type Slot,
} from '../../format';
import { cls, noRetryOn4xx, useProfile } from '../../api/profile';
import { goHome, profileGate } from '../../components/profile-gate';
import './meal-booking.scss';

const BOOKING_ROLES = ['elder', 'family', 'worker', 'admin'];
const DAY_CHOICES: { offset: 1 | 2; label: string }[] = [
  { offset: 1, label: '明天' },
  { offset: 2, label: '后天' },
];

/** A big choice button; the chosen one is filled and marked with ✓ (not by colour alone). */
function Choice(props: {
  selected: boolean;
  disabled?: boolean;
  onClick: () => void;
  label: string;
  sub?: string;
  wide?: boolean;
}) {
  const { selected, disabled, onClick, label, sub, wide } = props;
  return (
    <Button
      className={cls(
        'btn',
        'meal__choice',
        wide && 'meal__choice--wide',
        selected ? 'meal__choice--on' : 'btn--secondary',
        disabled && 'btn--disabled',
      )}
      // Only when true: Taro H5 renders disabled={false} as a disabled="false" attribute,
      // which still matches taro-button-core[disabled] (faded text).
      disabled={disabled || undefined}
      onClick={() => !disabled && onClick()}
    >
      <View className="meal__choice-body">
        <View className="meal__choice-line">
          {selected && <Text className="meal__check">✓ </Text>}
          <Text className="meal__choice-label">{label}</Text>
        </View>
        {sub && <Text className="meal__choice-sub">{sub}</Text>}
      </View>
    </Button>
  );
}

function Section(props: { step: number; title: string; children: ReactNode }) {
  return (
    <View className="meal__section">
      <Text className="meal__heading">
        {props.step}. {props.title}
      </Text>
      {props.children}
    </View>
  );
}

/** The server's price, formatted: 菜品合计, each discount (who pays), 配送费, 应付. */
function PriceBreakdown({ pricing }: { pricing: Pricing }) {
  return (
    <View className="meal__price">
      <View className="meal__price-row">
        <Text className="meal__price-name">菜品合计</Text>
        <Text className="meal__price-value">{formatYuan(pricing.subtotal)}</Text>
      </View>
      {pricing.discounts.map((d) => (
        <View key={d.ruleId} className="meal__price-row meal__discount">
          <View className="meal__price-name">
            <Text className="meal__discount-name">{d.name}</Text>
            <Text className={cls('meal__funder', d.fundedBy === 'government' && 'meal__funder--gov')}>
              {funderLabel(d.fundedBy)}
            </Text>
          </View>
          <Text className="meal__price-value meal__discount-amount">{formatDiscount(d.amount)}</Text>
        </View>
      ))}
      {pricing.deliveryFee > 0 && (
        <View className="meal__price-row">
          <Text className="meal__price-name">配送费</Text>
          <Text className="meal__price-value">{formatYuan(pricing.deliveryFee)}</Text>
        </View>
      )}
      <View className="meal__price-row meal__payable">
        <Text className="meal__payable-name">应付</Text>
        <Text className="meal__payable-amount">{formatYuan(pricing.payable)}</Text>
      </View>
    </View>
  );
}

function distanceText(m?: number): string {
  if (m === undefined) return '';
  return m < 1000 ? `约 ${Math.round(m)} 米` : `约 ${(Math.round(m / 100) / 10).toFixed(1)} 公里`;
}

export default function MealBookingPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const user: User | undefined = me.data;
  const role = user?.role;
  const canBook = !!role && BOOKING_ROLES.includes(role);
  const ownElderId = role === 'elder' ? ((user?.elderId as string | undefined) ?? '') : '';

  // ---- 1. Who -------------------------------------------------------------------------------
  const [picked, setPicked] = useState<Elder | null>(null);
  const [search, setSearch] = useState('');
  const [searchSent, setSearchSent] = useState('');

  const ownElder = useQuery({
    queryKey: ['elder', ownElderId],
    queryFn: () => mealApi.elder(ownElderId),
    enabled: !!ownElderId,
    retry: noRetryOn4xx,
  });
  const familyElders = useQuery({
    queryKey: ['family-elders', token],
    queryFn: mealApi.familyElders,
    enabled: role === 'family',
    retry: noRetryOn4xx,
  });
  const staffElders = useQuery({
    queryKey: ['elders', token, searchSent],
    queryFn: () => mealApi.searchElders(searchSent),
    enabled: role === 'worker' || role === 'admin',
    retry: noRetryOn4xx,
  });

  // A family member with exactly one linked elder: preselected.
  useEffect(() => {
    const items = familyElders.data?.items;
    if (role === 'family' && !picked && items && items.length === 1) setPicked(items[0]);
  }, [role, picked, familyElders.data]);

  const elder: Elder | null =
    role === 'elder'
      ? ownElderId
        ? (ownElder.data ?? { id: ownElderId, name: user?.name ?? '' })
        : null
      : picked;
  const elderId = elder?.id ?? '';

  // ---- 2. Where / when ------------------------------------------------------------------------
  const near = elder?.location;
  const canteens = useQuery({
    queryKey: ['canteens', near?.lng ?? null, near?.lat ?? null],
    queryFn: () => mealApi.canteens(near),
    // For an elder, wait for the profile (its location orders the list nearest first).
    enabled: !!elderId && !(role === 'elder' && ownElder.isPending),
    retry: noRetryOn4xx,
  });
  const [canteenId, setCanteenId] = useState('');
  const canteen: Canteen | undefined = canteens.data?.items.find((c) => c.id === canteenId);
  useEffect(() => {
    const items = canteens.data?.items;
    if (items && items.length === 1 && !canteenId) setCanteenId(items[0].id);
  }, [canteens.data, canteenId]);

  const [dayOffset, setDayOffset] = useState<1 | 2>(1);
  const today = chinaDate(Date.now());
  const date = addDays(today, dayOffset);

  const menu = useQuery({
    queryKey: ['menu', canteenId, date],
    queryFn: () => mealApi.menu(canteenId, date),
    enabled: !!canteenId && !!elderId,
    retry: noRetryOn4xx,
    staleTime: 0,
  });
  const [slot, setSlot] = useState<Slot | ''>('');
  const slots: MenuSlot[] = menu.data?.slots ?? [];
  const slotData = slots.find((s) => s.slot === slot);
  const isPast = (s: MenuSlot) => Date.parse(s.cutoffAt) <= Date.now();

  // Default meal: the first one still open with a published menu.
  useEffect(() => {
    if (!menu.data) return;
    if (slot && menu.data.slots.some((s) => s.slot === slot)) return;
    const open = menu.data.slots.find((s) => s.items.length > 0 && Date.parse(s.cutoffAt) > Date.now());
    setSlot(open ? open.slot : '');
  }, [menu.data, slot]);

  // ---- 3. Dishes and fulfilment ---------------------------------------------------------------
  const [qty, setQty] = useState<Record<string, number>>({});
  // After a menu refresh (e.g. someone else booked), never ask for more than is left.
  useEffect(() => {
    if (!slotData) return;
    setQty((prev) => {
      let changed = false;
      const next: Record<string, number> = {};
      for (const [id, n] of Object.entries(prev)) {
        const left = slotData.items.find((i) => i.dishId === id)?.remaining ?? 0;
        const v = Math.min(n, left);
        if (v !== n) changed = true;
        if (v > 0) next[id] = v;
      }
      return changed ? next : prev;
    });
  }, [slotData]);

  const offered: Fulfilment[] = canteen?.fulfilment ?? [];
  const [fulfilment, setFulfilment] = useState<Fulfilment | ''>('');
  const chosenFulfilment: Fulfilment | '' =
    fulfilment && offered.includes(fulfilment) ? fulfilment : (offered[0] ?? '');

  const items = useMemo(
    () =>
      (slotData?.items ?? [])
        .filter((i) => (qty[i.dishId] ?? 0) > 0)
        .map((i) => ({ dishId: i.dishId, qty: qty[i.dishId] })),
    [slotData, qty],
  );

  const body: QuoteBody | null =
    elderId && canteenId && slot && chosenFulfilment && items.length
      ? { elderId, canteenId, date, slot, items, fulfilment: chosenFulfilment }
      : null;

  // ---- 4. Price (the server's quote for exactly this selection) -------------------------------
  const [result, setResult] = useState<MealOrder | null>(null);
  const quote = useQuery({
    queryKey: ['quote', body],
    queryFn: () => mealApi.quote(body!),
    enabled: !!body && !result,
    retry: noRetryOn4xx,
    staleTime: 0,
  });

  // ---- 5. Book ----------------------------------------------------------------------------------
  // One Idempotency-Key per booking attempt, kept for retries of the same selection.
  const attempt = useRef<{ sig: string; key: string } | null>(null);
  const book = useMutation({
    mutationFn: (v: { body: QuoteBody; key: string }) => mealApi.book(v.body, v.key),
    onSuccess: (order) => {
      attempt.current = null;
      setResult(order);
      void queryClient.invalidateQueries({ queryKey: ['menu'] });
      void queryClient.invalidateQueries({ queryKey: ['quote'] });
      void queryClient.invalidateQueries({ queryKey: ['meal-orders'] });
      void Taro.pageScrollTo({ scrollTop: 0, duration: 0 }).catch(() => undefined);
    },
    onError: (err) => {
      const definite = err instanceof ApiError && err.status >= 400 && err.status < 500;
      // The server answered no: the next tap is a new attempt. A network error or 5xx may
      // have placed the order, so the key stays for the retry.
      if (definite) attempt.current = null;
      if (err instanceof ApiError && err.status === 409) {
        void queryClient.invalidateQueries({ queryKey: ['menu', canteenId, date] });
        void queryClient.invalidateQueries({ queryKey: ['quote'] });
      }
    },
  });

  const resetSelection = () => {
    setQty({});
    book.reset();
    attempt.current = null;
  };

  const confirm = () => {
    if (!body || book.isPending || !quote.data) return;
    const sig = JSON.stringify(body);
    if (!attempt.current || attempt.current.sig !== sig) attempt.current = { sig, key: newIdempotencyKey() };
    book.mutate({ body, key: attempt.current.key });
  };

  const changeQty = (dishId: string, delta: number, max: number) => {
    book.reset();
    setQty((prev) => {
      const n = Math.max(0, Math.min(max, (prev[dishId] ?? 0) + delta));
      const next = { ...prev };
      if (n > 0) next[dishId] = n;
      else delete next[dishId];
      return next;
    });
  };

  // ---- Render -----------------------------------------------------------------------------------
  const gate = profileGate({
    title: '订餐',
    pageClass: 'meal',
    leadClass: 'meal__lead',
    signInLead: '请先登录，再订餐。',
    token,
    me,
    notForYou: !canBook
      ? '您的身份不能为长者订餐。'
      : role === 'elder' && !ownElderId
        ? '您的账号还没有关联长者档案，请联系社区助老员。'
        : null,
  });
  if (gate) return gate;

  if (result) {
    const bookedBySomeoneElse = role !== 'elder' || result.bookedBy.userId !== user?.id;
    const bookerName =
      result.bookedBy.name || (result.bookedBy.userId === user?.id ? user?.name : '') || '他人';
    const canteenName = canteens.data?.items.find((c) => c.id === result.canteenId)?.name ?? '';
    const dayWord =
      result.date === addDays(today, 1) ? '明天 ' : result.date === addDays(today, 2) ? '后天 ' : '';
    return (
      <View className="page meal">
        <View className="meal__success">
          <Text className="meal__success-title">订餐成功</Text>
          <Text className="meal__code-label">取餐码</Text>
          <Text className="meal__code">{result.pickupCode}</Text>
          <Text className="hint">取餐时请出示或报出取餐码。</Text>
        </View>

        <View className="meal__facts">
          <View className="meal__fact">
            <Text className="meal__fact-name">长者</Text>
            <Text className="meal__fact-value">{result.elderName || elder?.name}</Text>
          </View>
          <View className="meal__fact">
            <Text className="meal__fact-name">日期</Text>
            <Text className="meal__fact-value">
              {dayWord}
              {dateLabel(result.date)}
            </Text>
          </View>
          <View className="meal__fact">
            <Text className="meal__fact-name">餐次</Text>
            <Text className="meal__fact-value">{slotLabel(result.slot)}</Text>
          </View>
          <View className="meal__fact">
            <Text className="meal__fact-name">食堂</Text>
            <Text className="meal__fact-value">{canteenName}</Text>
          </View>
          <View className="meal__fact">
            <Text className="meal__fact-name">方式</Text>
            <Text className="meal__fact-value">
              {fulfilmentLabel(result.fulfilment)}
              {result.address ? `（${result.address}）` : ''}
            </Text>
          </View>
          {result.items.map((i) => (
            <View key={i.dishId} className="meal__fact">
              <Text className="meal__fact-name">{i.name}</Text>
              <Text className="meal__fact-value">
                {i.qty} 份 × {formatYuan(i.price)}
              </Text>
            </View>
          ))}
        </View>

        <PriceBreakdown pricing={result.pricing} />

        {bookedBySomeoneElse && <Text className="text meal__booked-by">由 {bookerName} 代订</Text>}

        <Button
          className="btn"
          onClick={() => {
            setResult(null);
            resetSelection();
          }}
        >
          再订一餐
        </Button>
        <Button className="btn btn--secondary" onClick={goHome}>
          返回首页
        </Button>
      </View>
    );
  }

  const elderList = role === 'family' ? familyElders : staffElders;
  const bookError = book.isError ? book.error : null;
  const networkRetry = bookError instanceof ApiError && (bookError.status === 0 || bookError.status >= 500);

  return (
    <View className="page meal">
      <Text className="title">订餐</Text>

      {/* 1. Who */}
      <Section step={1} title="为谁订餐">
        {role === 'elder' && <Text className="text meal__who">为 {elder?.name} 本人订餐</Text>}

        {role !== 'elder' && picked && (
          <View>
            <Text className="text meal__who">为 {picked.name} 订餐</Text>
            {!(role === 'family' && (familyElders.data?.items.length ?? 0) <= 1) && (
              <Button
                className="btn btn--secondary"
                onClick={() => {
                  setPicked(null);
                  setCanteenId('');
                  setSlot('');
                  resetSelection();
                }}
              >
                换一位长者
              </Button>
            )}
          </View>
        )}

        {role !== 'elder' && !picked && (
          <View>
            {(role === 'worker' || role === 'admin') && (
              <View className="meal__search">
                <Input
                  className="meal__input"
                  placeholder="输入长者姓名或手机尾号"
                  placeholderClass="meal__placeholder"
                  value={search}
                  onInput={(e) => setSearch(e.detail.value)}
                  onConfirm={() => setSearchSent(search.trim())}
                />
                <Button className="btn btn--secondary" onClick={() => setSearchSent(search.trim())}>
                  查找
                </Button>
              </View>
            )}
            {elderList.isPending && <Text className="text">正在加载长者名单…</Text>}
            {elderList.isError && <Text className="error-box">{elderList.error.message}</Text>}
            {elderList.data && elderList.data.items.length === 0 && (
              <Text className="text">
                {role === 'family'
                  ? '您还没有绑定长者。请让长者或助老员生成邀请码后绑定。'
                  : '没有找到长者。'}
              </Text>
            )}
            {elderList.data?.items.map((e) => (
              <Choice
                key={e.id}
                wide
                selected={false}
                label={e.name}
                sub={e.address}
                onClick={() => {
                  setPicked(e);
                  setCanteenId('');
                  setSlot('');
                  resetSelection();
                }}
              />
            ))}
          </View>
        )}
      </Section>

      {elder && (
        <Section step={2} title="选择食堂">
          {canteens.isPending && <Text className="text">正在加载食堂…</Text>}
          {canteens.isError && <Text className="error-box">{canteens.error.message}</Text>}
          {canteens.data && canteens.data.items.length === 0 && (
            <Text className="text">附近还没有长者食堂。</Text>
          )}
          {canteens.data?.items.map((c) => (
            <Choice
              key={c.id}
              wide
              selected={c.id === canteenId}
              label={c.name}
              sub={[c.address, distanceText(c.distanceM)].filter(Boolean).join('　')}
              onClick={() => {
                if (c.id === canteenId) return;
                setCanteenId(c.id);
                setSlot('');
                resetSelection();
              }}
            />
          ))}
        </Section>
      )}

      {elder && canteen && (
        <Section step={3} title="哪一天">
          <View className="meal__row">
            {DAY_CHOICES.map((d) => (
              <Choice
                key={d.offset}
                selected={d.offset === dayOffset}
                label={d.label}
                sub={dateLabel(addDays(today, d.offset))}
                onClick={() => {
                  if (d.offset === dayOffset) return;
                  setDayOffset(d.offset);
                  resetSelection();
                }}
              />
            ))}
          </View>
        </Section>
      )}

      {elder && canteen && (
        <Section step={4} title="哪一餐">
          {menu.isPending && <Text className="text">正在加载菜单…</Text>}
          {menu.isError && (
            <View>
              <Text className="error-box">{menu.error.message}</Text>
              <Button className="btn btn--secondary" onClick={() => menu.refetch()}>
                重新加载菜单
              </Button>
            </View>
          )}
          {menu.data && slots.length === 0 && <Text className="text">这个食堂这天不供餐。</Text>}
          {slots.length > 0 && (
            <View className="meal__row">
              {slots.map((s) => {
                const past = isPast(s);
                const empty = s.items.length === 0;
                return (
                  <Choice
                    key={s.slot}
                    selected={s.slot === slot}
                    disabled={past || empty}
                    label={slotLabel(s.slot)}
                    sub={past ? '已截止' : empty ? '未发布' : undefined}
                    onClick={() => {
                      if (s.slot === slot) return;
                      setSlot(s.slot);
                      resetSelection();
                    }}
                  />
                );
              })}
            </View>
          )}
          {slotData && (
            <Text className="text meal__cutoff">{cutoffText(slotData.slot, date, slotData.cutoffAt)}</Text>
          )}
          {slotData && isPast(slotData) && (
            <Text className="error-box">这一餐已过订餐截止时间，请选其他餐次或日期。</Text>
          )}
        </Section>
      )}

      {elder && canteen && slotData && !isPast(slotData) && (
        <Section step={5} title="选菜品">
          {slotData.items.length === 0 && <Text className="text">这一餐的菜单还没有发布。</Text>}
          {slotData.items.map((i) => {
            const n = qty[i.dishId] ?? 0;
            const soldOut = i.remaining <= 0;
            return (
              <View key={i.dishId} className={cls('meal__dish', soldOut && 'meal__dish--out')}>
                <View className="meal__dish-info">
                  <Text className="meal__dish-name">{i.name}</Text>
                  <View className="meal__dish-meta">
                    <Text className="meal__dish-price">{formatYuan(i.price)}</Text>
                    {soldOut ? (
                      <Text className="meal__dish-out">已售完</Text>
                    ) : (
                      <Text className="meal__dish-left">剩 {i.remaining} 份</Text>
                    )}
                  </View>
                </View>
                <View className="meal__stepper">
                  <Button
                    className={cls('meal__step', n === 0 && 'meal__step--off')}
                    disabled={n === 0 || undefined}
                    onClick={() => n > 0 && changeQty(i.dishId, -1, i.remaining)}
                    {...{ 'aria-label': `${i.name} 减一份` }}
                  >
                    −
                  </Button>
                  <Text className="meal__qty">{n}</Text>
                  <Button
                    className={cls('meal__step', (soldOut || n >= i.remaining) && 'meal__step--off')}
                    disabled={soldOut || n >= i.remaining || undefined}
                    onClick={() => !soldOut && n < i.remaining && changeQty(i.dishId, 1, i.remaining)}
                    {...{ 'aria-label': `${i.name} 加一份` }}
                  >
                    +
                  </Button>
                </View>
              </View>
            );
          })}
        </Section>
      )}

      {elder && canteen && slotData && !isPast(slotData) && slotData.items.length > 0 && (
        <Section step={6} title="取餐方式">
          <View className="meal__row">
            {offered.map((f) => (
              <Choice
                key={f}
                selected={f === chosenFulfilment}
                label={fulfilmentLabel(f)}
                onClick={() => {
                  book.reset();
                  setFulfilment(f);
                }}
              />
            ))}
          </View>
          {chosenFulfilment === 'delivery' && (
            <Text className="hint meal__note">
              送到长者登记的地址{elder.address ? `：${elder.address}` : ''}
            </Text>
          )}
        </Section>
      )}

      {elder && canteen && slotData && !isPast(slotData) && slotData.items.length > 0 && (
        <Section step={7} title="价格明细">
          {!body && <Text className="text">请先点「+」选菜品，这里会显示价格和优惠。</Text>}
          {body && quote.isPending && <Text className="text">正在计算价格…</Text>}
          {body && quote.isError && <Text className="error-box">{quote.error.message}</Text>}
          {body && quote.data && <PriceBreakdown pricing={quote.data} />}
        </Section>
      )}

      {bookError && (
        <View className="meal__book-error">
          <Text className="error-box">{bookError.message}</Text>
          {networkRetry && <Text className="hint meal__note">请再点一次「确认订餐」，不会重复下单。</Text>}
        </View>
      )}

      {body && (
        <Button
          className={cls('btn', 'meal__confirm', (book.isPending || !quote.data) && 'btn--busy')}
          // No `disabled`: platform styles would fade the text; confirm() ignores taps while busy.
          onClick={confirm}
        >
          {book.isPending ? '正在提交…' : '确认订餐'}
        </Button>
      )}

      <Button className="btn btn--secondary" onClick={goHome}>
        返回首页
      </Button>
    </View>
  );
}
