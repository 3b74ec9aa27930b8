/**
 * 订餐: one page, one path, everything inline (no modals/toasts):
 *   为谁订 → 食堂 → 哪天 → 哪一餐 (cut-off shown) → 菜品数量 → 取餐方式 → 价格明细 (server quote)
 *   → 确认订餐 → result on the same page (取餐码, details, the same price breakdown).
 * 今天 is offered while one of today's meals is still open. A meal the elder already has is
 * said first ("您已订了明天午餐": 查看这份订单 / 再订一份), never booked twice by accident.
 * The total and 确认订餐 stay in a bar fixed to the bottom, however long the menu.
 * Every price shown comes from the server (POST /api/pricing/quote or the order); the page
 * only formats fen as 元.
 */
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, plainError, type User } from '../../api/client';
import {
  chosenItems,
  mealApi,
  newIdempotencyKey,
  type Canteen,
  type Elder,
  type MealOrder,
  type MenuSlot,
  type QuoteBody,
} from '../../api/meals';
import {
  addDays,
  chinaDate,
  cutoffText,
  dateLabel,
  formatYuan,
  fulfilmentLabel,
  slotLabel,
  type Fulfilment,
  type Slot,
} from '../../format';
import { cls, useProfile } from '../../api/profile';
import { cardApi } from '../../api/cards';
import { profileGate } from '../../components/profile-gate';
import {
  Btn,
  Field,
  Choice as BigChoice,
  PriceBreakdown,
  HomeButton,
  CanteenChoices,
} from '../../components/ui';
import './meal-booking.scss';
import { PageTop } from '../../components/page-top';
import { SlotStates } from './slot-states';
import { qk } from '../../api/query-keys';

const BOOKING_ROLES = ['elder', 'family', 'worker', 'admin'];
type DayOffset = 0 | 1 | 2;
const DAY_CHOICES: { offset: DayOffset; label: string }[] = [
  { offset: 0, label: '今天' },
  { offset: 1, label: '明天' },
  { offset: 2, label: '后天' },
];

/** The shared big choice button, with this page's layout class. */
function Choice(props: Parameters<typeof BigChoice>[0]) {
  return <BigChoice {...props} className="meal__choice" />;
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

function distanceText(m?: number): string {
  if (m === undefined) return '';
  return m < 1000 ? `约 ${Math.round(m)} 米` : `约 ${(Math.round(m / 100) / 10).toFixed(1)} 公里`;
}

/** 今天 / 明天 / 后天 / 12月6日, for "您已订了明天午餐". */
function dayWordOf(date: string): string {
  const today = chinaDate(Date.now());
  if (date === today) return '今天';
  if (date === addDays(today, 1)) return '明天';
  if (date === addDays(today, 2)) return '后天';
  return dateLabel(date).split(' ')[0];
}

const itemsLine = (o: MealOrder) => o.items.map((i) => `${i.name} ×${i.qty}`).join('、');

export default function MealBookingPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const user: User | undefined = me.data;
  const role = user?.role;
  const canBook = !!role && BOOKING_ROLES.includes(role);
  const ownElderId = role === 'elder' ? ((user?.elderId as string | undefined) ?? '') : '';
  // From other pages: ?elderId= (family/worker book for this elder), ?slot= (the meal to
  // preselect, e.g. lunch from the home page), ?repeat=<orderId> (和上次一样).
  const params = useRouter().params as Record<string, string | undefined>;
  const wantElderId = params.elderId ?? '';
  const repeatId = params.repeat ?? '';

  // ---- 1. Who -------------------------------------------------------------------------------
  const [picked, setPicked] = useState<Elder | null>(null);
  const [search, setSearch] = useState('');
  const [searchSent, setSearchSent] = useState('');

  const ownElder = useQuery({
    queryKey: qk('elder', ownElderId),
    queryFn: () => mealApi.elder(ownElderId),
    enabled: !!ownElderId,
  });
  const familyElders = useQuery({
    queryKey: qk('family-elders', token),
    queryFn: mealApi.familyElders,
    enabled: role === 'family',
  });
  const staffElders = useQuery({
    queryKey: qk('elders', token, searchSent),
    queryFn: () => mealApi.searchElders(searchSent),
    enabled: role === 'worker' || role === 'admin',
  });

  // Opened for one elder (from the family or worker pages): that elder is preselected.
  const wantedElder = useQuery({
    queryKey: qk('elder', wantElderId),
    queryFn: () => mealApi.elder(wantElderId),
    enabled: !!wantElderId && !!role && role !== 'elder',
  });
  const wantedUsed = useRef(false);
  useEffect(() => {
    if (wantedElder.data && !wantedUsed.current) {
      wantedUsed.current = true;
      setPicked(wantedElder.data);
    }
  }, [wantedElder.data]);

  // 和上次一样: the order to repeat (same canteen, meal, dishes and fulfilment).
  const repeatOf = useQuery({
    queryKey: qk('meal-order', repeatId),
    queryFn: () => mealApi.order(repeatId),
    enabled: !!repeatId && !!token,
  });
  const repeat = repeatOf.data;

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
    queryKey: qk('canteens', near?.lng ?? null, near?.lat ?? null),
    queryFn: () => mealApi.canteens(near),
    // For an elder, wait for the profile (its location orders the list nearest first).
    enabled: !!elderId && !(role === 'elder' && ownElder.isPending),
  });
  const [canteenId, setCanteenId] = useState('');
  const canteen: Canteen | undefined = canteens.data?.items.find((c) => c.id === canteenId);
  // Preselected: the canteen of the order repeated, else the nearest one (the list comes
  // nearest first when the elder's location is known), else the only one.
  useEffect(() => {
    const items = canteens.data?.items;
    if (!items || canteenId || (repeatId && repeatOf.isPending)) return;
    const again = repeat && items.find((c) => c.id === repeat.canteenId);
    if (again) setCanteenId(again.id);
    else if (items.length === 1 || (near && items.length > 0)) setCanteenId(items[0].id);
  }, [canteens.data, canteenId, near, repeat, repeatId, repeatOf.isPending]);

  const today = chinaDate(Date.now());
  // 今天 while one of today's meals is open (published, before its cut-off), e.g. lunch until 10:00.
  const todayMenu = useQuery({
    queryKey: qk('menu', canteenId, today),
    queryFn: () => mealApi.menu(canteenId, today),
    enabled: !!canteenId && !!elderId,
    staleTime: 0,
  });
  const todayOpen = (todayMenu.data?.slots ?? []).some(
    (s) => s.items.length > 0 && Date.parse(s.cutoffAt) > Date.now() && s.items.some((i) => i.remaining > 0),
  );
  // Not chosen yet: the next open meal's day — today while one of today's meals is open,
  // unless the page was opened for a meal of tomorrow (?slot= from 订明天午餐, 和上次一样).
  const [dayChoice, setDayChoice] = useState<DayOffset | null>(null);
  const wantsTomorrow = !!(repeatId || params.slot);
  const dayOffset: DayOffset | null =
    dayChoice ?? (wantsTomorrow ? 1 : !canteenId || todayMenu.isPending ? null : todayOpen ? 0 : 1);
  const setDayOffset = setDayChoice;
  const date = dayOffset === null ? '' : addDays(today, dayOffset);

  const menu = useQuery({
    queryKey: qk('menu', canteenId, date),
    queryFn: () => mealApi.menu(canteenId, date),
    enabled: !!canteenId && !!elderId && !!date,
    staleTime: 0,
  });
  const [slot, setSlot] = useState<Slot | ''>('');
  const slots: MenuSlot[] = menu.data?.slots ?? [];
  const slotData = slots.find((s) => s.slot === slot);
  const isPast = (s: MenuSlot) => Date.parse(s.cutoffAt) <= Date.now();
  // 已订完: every dish of the published menu has no portion left.
  const isSoldOut = (s: MenuSlot) => s.items.length > 0 && s.items.every((i) => i.remaining <= 0);

  // Default meal: the one asked for (?slot= or the repeated order's) when it is still open,
  // else the first one still open with a published menu.
  const wantSlot = repeat?.slot ?? params.slot ?? '';
  useEffect(() => {
    if (!menu.data) return;
    if (slot && menu.data.slots.some((s) => s.slot === slot)) return;
    const openSlots = menu.data.slots.filter(
      (s) => s.items.length > 0 && Date.parse(s.cutoffAt) > Date.now() && !isSoldOut(s),
    );
    const open = openSlots.find((s) => s.slot === wantSlot) ?? openSlots[0];
    setSlot(open ? open.slot : '');
  }, [menu.data, slot, wantSlot]);

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

  // 和上次一样: once the meal's menu is here, the last order's dishes are put back (as many
  // as are left); dishes not on this menu are named so the elder can choose another.
  const repeatApplied = useRef(false);
  const [repeatMissing, setRepeatMissing] = useState<string[]>([]);
  useEffect(() => {
    if (!repeat || repeatApplied.current || !slotData || slotData.slot !== repeat.slot) return;
    if (canteenId !== repeat.canteenId) return;
    repeatApplied.current = true;
    const next: Record<string, number> = {};
    const missing: string[] = [];
    for (const i of repeat.items) {
      const onMenu = slotData.items.find((m) => m.dishId === i.dishId);
      const n = Math.min(i.qty, onMenu?.remaining ?? 0);
      if (n > 0) next[i.dishId] = n;
      if (n < i.qty) missing.push(i.name);
    }
    setQty(next);
    setRepeatMissing(missing);
    setFulfilment(repeat.fulfilment);
  }, [repeat, slotData, canteenId]);

  const offered: Fulfilment[] = canteen?.fulfilment ?? [];
  const [fulfilment, setFulfilment] = useState<Fulfilment | ''>('');
  const chosenFulfilment: Fulfilment | '' =
    fulfilment && offered.includes(fulfilment) ? fulfilment : (offered[0] ?? '');

  const items = useMemo(() => chosenItems(slotData, qty), [slotData, qty]);

  const body: QuoteBody | null =
    elderId && canteenId && date && slot && chosenFulfilment && items.length
      ? { elderId, canteenId, date, slot, items, fulfilment: chosenFulfilment }
      : null;

  // ---- The meal the elder already has (any canteen): said first, a second one only on purpose --
  const dayOrders = useQuery({
    queryKey: qk('meal-orders', elderId, date),
    queryFn: () => mealApi.ordersOn(elderId, date),
    enabled: !!elderId && !!date,
    staleTime: 0,
  });
  const [additional, setAdditional] = useState(false);
  const [bookedId, setBookedId] = useState(''); // from a 409 ALREADY_BOOKED (booked meanwhile)
  const existing =
    (dayOrders.data?.items ?? []).find((o) => o.slot === slot && o.status !== 'cancelled') ?? null;
  const alreadyBooked = !additional && (!!existing || !!bookedId);

  // ---- 4. Price (the server's quote for exactly this selection) -------------------------------
  const [result, setResult] = useState<MealOrder | null>(null);
  const quote = useQuery({
    queryKey: qk('quote', body),
    queryFn: () => mealApi.quote(body!),
    enabled: !!body && !result,
    staleTime: 0,
  });

  // ---- 付款方式: 助餐卡 (the card's balance shown) or 到店付 -----------------------------------------
  const card = useQuery({
    queryKey: qk('meal-card', elderId),
    queryFn: () => cardApi.card(elderId),
    enabled: !!elderId,
    staleTime: 0,
  });
  const [paymentChoice, setPaymentChoice] = useState<'' | 'card' | 'counter'>('');
  const balance = card.data?.balance;
  const payable = quote.data?.payable;
  // Not chosen yet: the card when it covers this meal, else pay at the counter (no extra tap).
  const payment: 'card' | 'counter' =
    paymentChoice ||
    (balance !== undefined && payable !== undefined && payable > 0 && balance >= payable
      ? 'card'
      : 'counter');
  const cardTooSmall =
    payment === 'card' && balance !== undefined && payable !== undefined && balance < payable;

  // ---- 5. Book ----------------------------------------------------------------------------------
  // One Idempotency-Key per booking attempt, kept for retries of the same selection.
  const attempt = useRef<{ sig: string; key: string } | null>(null);
  const book = useMutation({
    mutationFn: (v: {
      body: QuoteBody & { payment: 'card' | 'counter'; additional?: boolean };
      key: string;
    }) => mealApi.book(v.body, v.key),
    onSuccess: (order) => {
      attempt.current = null;
      setResult(order);
      void queryClient.invalidateQueries({ queryKey: qk('meal-card') });
      void queryClient.invalidateQueries({ queryKey: qk('menu') });
      void queryClient.invalidateQueries({ queryKey: qk('quote') });
      void queryClient.invalidateQueries({ queryKey: qk('meal-orders') });
      void Taro.pageScrollTo({ scrollTop: 0, duration: 0 }).catch(() => undefined);
    },
    onError: (err) => {
      const definite = err instanceof ApiError && err.status >= 400 && err.status < 500;
      // The server answered no: the next tap is a new attempt. A network error or 5xx may
      // have placed the order, so the key stays for the retry.
      if (definite) attempt.current = null;
      if (err instanceof ApiError && err.code === 'ALREADY_BOOKED') {
        // Booked meanwhile (another device, a family member): the same choice as before.
        setBookedId(String(err.details.orderId ?? '-'));
        void queryClient.invalidateQueries({ queryKey: qk('meal-orders') });
        return;
      }
      if (err instanceof ApiError && err.status === 409) {
        void queryClient.invalidateQueries({ queryKey: qk('menu', canteenId, date) });
        void queryClient.invalidateQueries({ queryKey: qk('quote') });
      }
    },
  });

  const resetSelection = () => {
    setQty({});
    book.reset();
    attempt.current = null;
    setAdditional(false);
    setBookedId('');
  };

  const confirm = () => {
    if (!body || book.isPending || !quote.data) return;
    if (alreadyBooked) return;
    const sent = { ...body, payment, ...(additional ? { additional: true } : {}) };
    const sig = JSON.stringify(sent);
    if (!attempt.current || attempt.current.sig !== sig) attempt.current = { sig, key: newIdempotencyKey() };
    book.mutate({ body: sent, key: attempt.current.key });
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
      result.date === today
        ? '今天 '
        : result.date === addDays(today, 1)
          ? '明天 '
          : result.date === addDays(today, 2)
            ? '后天 '
            : '';
    const delivered = result.fulfilment === 'delivery';
    return (
      <View className={role === 'elder' ? 'page page--elder meal' : 'page meal'}>
        <PageTop />
        <View className="meal__success">
          <Text className="meal__success-title">订餐成功</Text>
          {delivered ? (
            <Text className="text">
              送餐上门：到时送到{result.address ? ` ${result.address}` : '登记的地址'}。
            </Text>
          ) : (
            <View>
              <Text className="meal__code-label">取餐码</Text>
              <Text className="meal__code pickup-code">{result.pickupCode}</Text>
              <Text className="hint">取餐时请出示或报出取餐码。</Text>
            </View>
          )}
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

        {result.payment && result.payment.amount > 0 && (
          <Text className="text meal__paid">
            {result.payment.method === 'card'
              ? `已从助餐卡付 ${formatYuan(result.payment.amount)}`
              : delivered
                ? `送到时付 ${formatYuan(result.payment.amount)}`
                : `到店付：取餐时付 ${formatYuan(result.payment.amount)}`}
          </Text>
        )}

        {bookedBySomeoneElse && <Text className="text meal__booked-by">由 {bookerName} 代订</Text>}

        <Btn
          onClick={() => {
            setResult(null);
            resetSelection();
          }}
        >
          再订一餐
        </Btn>
        <HomeButton />
      </View>
    );
  }

  const elderList = role === 'family' ? familyElders : staffElders;
  const bookError = book.isError ? book.error : null;
  const networkRetry = bookError instanceof ApiError && (bookError.status === 0 || bookError.status >= 500);

  return (
    <View className={cls(role === 'elder' ? 'page page--elder meal' : 'page meal', body && 'meal--with-bar')}>
      <PageTop />
      <Text className="title">订餐</Text>

      {/* 1. Who */}
      <Section step={1} title="为谁订餐">
        {role === 'elder' && <Text className="text meal__who">为 {elder?.name} 本人订餐</Text>}

        {role !== 'elder' && picked && (
          <View>
            <Text className="text meal__who">为 {picked.name} 订餐</Text>
            {!(role === 'family' && (familyElders.data?.items.length ?? 0) <= 1) && (
              <Btn
                className="btn--secondary"
                onClick={() => {
                  setPicked(null);
                  setCanteenId('');
                  setSlot('');
                  resetSelection();
                }}
              >
                换一位长者
              </Btn>
            )}
          </View>
        )}

        {role !== 'elder' && !picked && (
          <View>
            {(role === 'worker' || role === 'admin') && (
              <View className="meal__search">
                <Field
                  label="查找长者"
                  placeholder="输入长者姓名或手机尾号"
                  value={search}
                  onInput={setSearch}
                  onConfirm={() => setSearchSent(search.trim())}
                />
                <Btn className="btn--secondary" onClick={() => setSearchSent(search.trim())}>
                  查找
                </Btn>
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
          <CanteenChoices
            q={canteens}
            selectedId={canteenId}
            className="meal__choice"
            sub={(c) => [c.address, distanceText(c.distanceM)].filter(Boolean).join('　')}
            below={(c) => <SlotStates canteen={c} today={today} />}
            onPick={(c) => {
              if (c.id === canteenId) return;
              setCanteenId(c.id);
              setSlot('');
              resetSelection();
            }}
          />
        </Section>
      )}

      {elder && canteen && (
        <Section step={3} title="哪一天">
          <View className="meal__row">
            {DAY_CHOICES.filter((d) => d.offset > 0 || todayOpen || dayOffset === 0).map((d) => (
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

      {elder && canteen && date && (
        <Section step={4} title="哪一餐">
          {menu.isPending && <Text className="text">正在加载菜单…</Text>}
          {menu.isError && (
            <View>
              <Text className="error-box">{menu.error.message}</Text>
              <Btn className="btn--secondary" onClick={() => menu.refetch()}>
                重新加载菜单
              </Btn>
            </View>
          )}
          {menu.data && slots.length === 0 && <Text className="text">这个食堂这天不供餐。</Text>}
          {slots.length > 0 && (
            <View className="meal__row">
              {slots.map((s) => {
                const past = isPast(s);
                const empty = s.items.length === 0;
                const soldOut = isSoldOut(s);
                return (
                  <Choice
                    key={s.slot}
                    selected={s.slot === slot}
                    disabled={past || empty || soldOut}
                    label={slotLabel(s.slot)}
                    sub={past ? '已截止' : empty ? '未发布' : soldOut ? '已订完' : undefined}
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

      {elder && canteen && slotData && !isPast(slotData) && alreadyBooked && (
        <View className="meal__booked card" {...{ role: 'group', 'aria-label': '已订过这一餐' }}>
          <Text className="card__title meal__booked-title">
            {role === 'elder' ? '您' : elder.name}已订了{dayWordOf(date)}
            {slotLabel(slotData.slot)}
          </Text>
          {existing && (
            <Text className="text">
              {itemsLine(existing)}
              {existing.bookedBy.userId !== user?.id && existing.bookedBy.name
                ? `（${existing.bookedBy.name} 订的）`
                : ''}
            </Text>
          )}
          {existing && existing.pricing.discounts.length > 0 && (
            <Text className="hint">再订一份没有补贴：每人每餐只补贴一份。</Text>
          )}
          <Btn
            onClick={() =>
              void Taro.navigateTo({
                url: `/pages/my-orders/my-orders?elderId=${encodeURIComponent(elderId)}`,
              })
            }
          >
            查看这份订单
          </Btn>
          <Btn
            className="btn--secondary"
            onClick={() => {
              book.reset();
              setBookedId('');
              setAdditional(true);
            }}
          >
            再订一份
          </Btn>
        </View>
      )}

      {elder && canteen && slotData && !isPast(slotData) && additional && (
        <Text className="text meal__additional">
          这是{dayWordOf(date)}
          {slotLabel(slotData.slot)}的第二份，照常收费（每人每餐限补贴一份）。
        </Text>
      )}

      {elder && canteen && slotData && !isPast(slotData) && !alreadyBooked && (
        <Section step={5} title="选菜品">
          {slotData.items.length === 0 && <Text className="text">这一餐的菜单还没有发布。</Text>}
          {repeat && repeatApplied.current && (
            <Text className="text meal__repeat">已按上次的菜选好，可以直接确认。</Text>
          )}
          {repeatMissing.length > 0 && (
            <Text className="error-box">
              上次的「{repeatMissing.join('、')}」这一餐没有了或份数不够，换一道吧。
            </Text>
          )}
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
                  <Btn
                    className={cls('stepper-btn meal__step', n === 0 && 'meal__step--off')}
                    disabled={n === 0}
                    onClick={() => changeQty(i.dishId, -1, i.remaining)}
                    label={`减一份 ${i.name}`}
                  >
                    −
                  </Btn>
                  <Text className="stepper-qty meal__qty">{n}</Text>
                  <Btn
                    className={cls(
                      'stepper-btn meal__step',
                      (soldOut || n >= i.remaining) && 'meal__step--off',
                    )}
                    disabled={soldOut || n >= i.remaining}
                    onClick={() => changeQty(i.dishId, 1, i.remaining)}
                    label={`加一份 ${i.name}`}
                  >
                    +
                  </Btn>
                </View>
              </View>
            );
          })}
        </Section>
      )}

      {elder && canteen && slotData && !isPast(slotData) && !alreadyBooked && slotData.items.length > 0 && (
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

      {elder && canteen && slotData && !isPast(slotData) && !alreadyBooked && slotData.items.length > 0 && (
        <Section step={7} title="价格明细">
          {!body && <Text className="text">请先点「+」选菜品，这里会显示价格和优惠。</Text>}
          {body && quote.isPending && <Text className="text">正在计算价格…</Text>}
          {body && quote.isError && <Text className="error-box">{quote.error.message}</Text>}
          {body && quote.data && <PriceBreakdown pricing={quote.data} />}
        </Section>
      )}

      {body && !alreadyBooked && quote.data && quote.data.payable > 0 && (
        <Section step={8} title="怎么付钱">
          <View className="meal__row">
            <Choice
              selected={payment === 'card'}
              label="助餐卡"
              sub={balance === undefined ? '' : `余额 ${formatYuan(balance)}`}
              onClick={() => {
                book.reset();
                setPaymentChoice('card');
              }}
            />
            <Choice
              selected={payment === 'counter'}
              label={chosenFulfilment === 'delivery' ? '送到时付' : '到店付'}
              sub={chosenFulfilment === 'delivery' ? '送餐时付钱' : '取餐时付'}
              onClick={() => {
                book.reset();
                setPaymentChoice('counter');
              }}
            />
          </View>
          {cardTooSmall && (
            <View>
              <Text className="error-box">
                卡上余额 {formatYuan(balance ?? 0)}，不够这餐 {formatYuan(quote.data.payable)}
                。请先充值，或选「到店付」。
              </Text>
              <Btn
                className="btn--secondary"
                onClick={() =>
                  void Taro.navigateTo({
                    url: `/pages/meal-card/meal-card?elderId=${encodeURIComponent(elderId)}`,
                  })
                }
              >
                去充值
              </Btn>
            </View>
          )}
          {payment === 'card' && !cardTooSmall && (
            <Text className="hint meal__note">
              确认后从助餐卡扣 {formatYuan(quote.data.payable)}；取消订餐会退回卡上。
            </Text>
          )}
        </Section>
      )}

      {/* No dish left chosen (e.g. it sold out meanwhile): the answer stays in the page. */}
      {!body && bookError && !(bookError instanceof ApiError && bookError.code === 'ALREADY_BOOKED') && (
        <View className="meal__book-error">
          <Text className="error-box">{plainError(bookError)}</Text>
        </View>
      )}

      <HomeButton />

      {/* Fixed to the bottom: the total and 确认订餐 on the first screen, however long the menu. */}
      {body && !alreadyBooked && (
        <View className="meal__bar">
          {bookError && !(bookError instanceof ApiError && bookError.code === 'ALREADY_BOOKED') && (
            <View className="meal__book-error">
              <Text className="error-box">{plainError(bookError)}</Text>
              {networkRetry && (
                <Text className="hint meal__note">请再点一次「确认订餐」，不会重复下单。</Text>
              )}
            </View>
          )}
          <View className="meal__bar-row">
            <View className="meal__bar-total">
              <Text className="meal__bar-label">应付</Text>
              <Text className="meal__bar-amount">
                {quote.data ? formatYuan(quote.data.payable) : '计算中…'}
              </Text>
            </View>
            <Btn
              className={cls('meal__confirm', (book.isPending || !quote.data) && 'btn--busy')}
              // No `disabled`: platform styles would fade the text; confirm() ignores taps while busy.
              onClick={confirm}
            >
              {book.isPending ? '正在提交…' : '确认订餐'}
            </Btn>
          </View>
        </View>
      )}
    </View>
  );
}
