/**
 * 批量订餐 (community worker): tick several elders, choose canteen / day / meal / dishes
 * once, see each elder's price (the server's quote for that elder), book them all in one
 * pass (POST /api/meal-orders/batch, one Idempotency-Key per attempt) and read one result
 * line per elder: booked with the pickup code, sold out, past the cut-off… An elder who already
 * has that meal is marked in the list beforehand and skipped by the server (409 ALREADY_BOOKED),
 * never booked twice. 全选 ticks every elder at once.
 */
import { useMemo, useRef, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQueries, useQuery } from '@tanstack/react-query';
import { ApiError, plainError } from '../../../api/client';
import { chosenItems, mealApi, newIdempotencyKey, type MenuSlot } from '../../../api/meals';
import { useProfile } from '../../../api/profile';
import { workerApi, type BatchBody, type BatchResult } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import {
  Btn,
  Choice,
  Empty,
  ErrorBox,
  Loading,
  Section,
  HomeButton,
  CanteenChoices,
} from '../../../components/ui';
import { addDays, chinaDate, cutoffText, dateLabel, formatYuan, slotLabel, type Slot } from '../../../format';
import './batch.scss';
import { PageTop } from '../../../components/page-top';
import { qk } from '../../../api/query-keys';

/** One result line in words. */
function resultText(r: BatchResult): string {
  if (r.status === 201 || r.status === 200) return `已订，取餐码 ${r.order?.pickupCode ?? ''}`;
  if (r.status === 404) return '没订上：找不到这位长者';
  if (r.error?.code === 'ALREADY_BOOKED') return '已有这一餐，跳过（没有重复订）';
  const err = new ApiError(r.status, r.error?.code ?? `HTTP_${r.status}`, r.error?.message ?? '请稍后再试');
  return `没订上：${plainError(err)}`;
}

export default function BatchPage() {
  const { token, me } = useProfile();
  const role = me.data?.role;
  const allowed = role === 'worker' || role === 'admin';

  const elders = useQuery({
    queryKey: qk('elders', token, ''),
    queryFn: () => workerApi.search(''),
    enabled: allowed,
  });
  const [ticked, setTicked] = useState<string[]>([]);
  const canteens = useQuery({
    queryKey: qk('canteens', null, null),
    queryFn: () => mealApi.canteens(),
    enabled: allowed,
  });
  const [canteenId, setCanteenId] = useState('');
  const [dayOffset, setDayOffset] = useState<1 | 2>(1);
  const today = chinaDate(Date.now());
  const date = addDays(today, dayOffset);
  const menu = useQuery({
    queryKey: qk('menu', canteenId, date),
    queryFn: () => mealApi.menu(canteenId, date),
    enabled: !!canteenId,
    staleTime: 0,
  });
  const [slot, setSlot] = useState<Slot | ''>('');
  const slotData: MenuSlot | undefined = menu.data?.slots.find((s) => s.slot === slot);
  const [qty, setQty] = useState<Record<string, number>>({});
  const canteen = canteens.data?.items.find((c) => c.id === canteenId);
  const fulfilment = canteen?.fulfilment[0] ?? 'dine_in';

  const items = useMemo(() => chosenItems(slotData, qty), [slotData, qty]);

  // Who already has this meal (any canteen): marked, and skipped by the server.
  const dayOrders = useQuery({
    queryKey: qk('meal-orders', 'day', token, date),
    queryFn: () => mealApi.dayOrders(date),
    enabled: allowed && !!slot,
    staleTime: 0,
  });
  const hasMeal = new Set(
    (dayOrders.data?.items ?? [])
      .filter((o) => o.slot === slot && o.status !== 'cancelled')
      .map((o) => o.elderId),
  );
  const ready = ticked.length > 0 && !!canteenId && !!slot && items.length > 0;

  // Each elder's price (ages and eligibility differ), from the server.
  const quotes = useQueries({
    queries: ticked.map((elderId) => ({
      queryKey: qk('quote', { elderId, canteenId, date, slot, items, fulfilment }),
      queryFn: () => mealApi.quote({ elderId, canteenId, date, slot: slot as Slot, items, fulfilment }),
      enabled: ready,
      staleTime: 0,
    })),
  });

  const attempt = useRef<{ sig: string; key: string } | null>(null);
  const book = useMutation({
    mutationFn: (v: { body: BatchBody; key: string }) => workerApi.batch(v.body, v.key),
    onSuccess: () => {
      attempt.current = null;
      void menu.refetch();
      void dayOrders.refetch();
    },
  });
  const bookAll = () => {
    if (!ready || book.isPending) return;
    const body: BatchBody = { elderIds: ticked, canteenId, date, slot: slot as Slot, items, fulfilment };
    const sig = JSON.stringify(body);
    if (!attempt.current || attempt.current.sig !== sig) attempt.current = { sig, key: newIdempotencyKey() };
    book.mutate({ body, key: attempt.current.key });
  };

  const gate = profileGate({
    title: '批量订餐',
    pageClass: 'batch',
    leadClass: 'batch__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: allowed ? null : '只有社区助老员可以批量订餐。',
  });
  if (gate) return gate;

  const nameOf = (id: string) => elders.data?.items.find((e) => e.id === id)?.name ?? id;
  const past = (s: MenuSlot) => Date.parse(s.cutoffAt) <= Date.now();

  if (book.data) {
    const ok = book.data.results.filter((r) => r.status < 300).length;
    return (
      <View className="page batch">
        <PageTop />
        <Text className="title">批量订餐结果</Text>
        <Text className="text batch__summary">
          {dateLabel(date)} {slotLabel(slot)}：{ok} 位订上，{book.data.results.length - ok} 位没订上。
        </Text>
        {book.data.results.map((r) => (
          <View
            key={r.elderId}
            className={r.status < 300 ? 'ok-box batch__result' : 'error-box batch__result'}
          >
            <Text>
              {nameOf(r.elderId)}：{resultText(r)}
            </Text>
          </View>
        ))}
        <Btn
          onClick={() => {
            book.reset();
            setTicked([]);
            setQty({});
          }}
        >
          再订一批
        </Btn>
        <HomeButton />
      </View>
    );
  }

  return (
    <View className="page batch">
      <PageTop />
      <Text className="title">批量订餐</Text>

      <Section title={`1. 选长者（已选 ${ticked.length} 位）`}>
        {elders.isPending && <Loading what="长者名单" />}
        {elders.isError && <ErrorBox message={elders.error.message} onRetry={() => elders.refetch()} />}
        {elders.data?.items.length === 0 && <Empty>本社区还没有登记长者。</Empty>}
        {!!elders.data?.items.length && (
          <Btn
            className="btn--secondary batch__all"
            onClick={() =>
              setTicked(ticked.length === elders.data.items.length ? [] : elders.data.items.map((e) => e.id))
            }
          >
            {ticked.length === elders.data.items.length ? '全不选' : `全选（${elders.data.items.length} 位）`}
          </Btn>
        )}
        {elders.data?.items.map((e) => (
          <Choice
            key={e.id}
            wide
            selected={ticked.includes(e.id)}
            label={e.name}
            sub={[e.address, hasMeal.has(e.id) ? `已订${slotLabel(slot)}，会跳过` : '']
              .filter(Boolean)
              .join(' · ')}
            onClick={() =>
              setTicked((xs) => (xs.includes(e.id) ? xs.filter((x) => x !== e.id) : [...xs, e.id]))
            }
          />
        ))}
      </Section>

      <Section title="2. 食堂">
        <CanteenChoices
          q={canteens}
          selectedId={canteenId}
          onPick={(c) => {
            setCanteenId(c.id);
            setSlot('');
            setQty({});
          }}
        />
      </Section>

      {canteenId && (
        <Section title="3. 哪天、哪一餐">
          <View className="row">
            {([1, 2] as const).map((d) => (
              <Choice
                key={d}
                selected={d === dayOffset}
                label={d === 1 ? '明天' : '后天'}
                sub={dateLabel(addDays(today, d))}
                onClick={() => {
                  setDayOffset(d);
                  setSlot('');
                  setQty({});
                }}
              />
            ))}
          </View>
          {menu.isPending && <Loading what="菜单" />}
          {menu.isError && <ErrorBox message={menu.error.message} onRetry={() => menu.refetch()} />}
          <View className="row">
            {menu.data?.slots.map((s) => (
              <Choice
                key={s.slot}
                selected={s.slot === slot}
                disabled={past(s) || s.items.length === 0}
                label={slotLabel(s.slot)}
                sub={past(s) ? '已截止' : s.items.length === 0 ? '未发布' : undefined}
                onClick={() => {
                  setSlot(s.slot);
                  setQty({});
                }}
              />
            ))}
          </View>
          {slotData && <Text className="text">{cutoffText(slotData.slot, date, slotData.cutoffAt)}</Text>}
        </Section>
      )}

      {slotData && !past(slotData) && (
        <Section title="4. 每人的菜（每位长者一样）">
          {slotData.items.map((i) => {
            const n = qty[i.dishId] ?? 0;
            const change = (d: number) =>
              setQty((q) => ({ ...q, [i.dishId]: Math.max(0, Math.min(10, (q[i.dishId] ?? 0) + d)) }));
            return (
              <View key={i.dishId} className="item-row batch__dish">
                <View className="item-row__info">
                  <Text className="item-row__name batch__dish-name">{i.name}</Text>
                  <Text className="text">
                    {formatYuan(i.price)} · {i.remaining > 0 ? `剩 ${i.remaining} 份` : '已售完'}
                  </Text>
                </View>
                <Btn
                  className="stepper-btn batch__step"
                  label={`减一份 ${i.name}`}
                  disabled={n === 0}
                  onClick={() => change(-1)}
                >
                  −
                </Btn>
                <Text className="stepper-qty batch__qty">{n}</Text>
                <Btn
                  className="stepper-btn batch__step"
                  label={`加一份 ${i.name}`}
                  disabled={i.remaining <= 0}
                  onClick={() => change(1)}
                >
                  +
                </Btn>
              </View>
            );
          })}
        </Section>
      )}

      {ready && (
        <Section title="5. 每位长者的价格">
          {ticked.map((id, k) => {
            const q = quotes[k];
            return (
              <View key={id} className="table-row batch__price">
                <Text className="batch__price-name">{nameOf(id)}</Text>
                <Text className="batch__price-value">
                  {hasMeal.has(id)
                    ? `已订了这一餐，跳过`
                    : q?.data
                      ? `应付 ${formatYuan(q.data.payable)}${q.data.discounts.length ? `（优惠 ${formatYuan(q.data.discounts.reduce((sum, d) => sum + d.amount, 0))}）` : ''}`
                      : q?.isError
                        ? q.error.message
                        : '正在计算…'}
                </Text>
              </View>
            );
          })}
        </Section>
      )}

      {book.isError && <Text className="error-box">{book.error.message}</Text>}
      {ready && (
        <Btn className={book.isPending ? 'btn--busy' : undefined} onClick={bookAll}>
          {book.isPending ? '正在订餐…' : `为 ${ticked.filter((id) => !hasMeal.has(id)).length} 位长者订餐`}
        </Btn>
      )}
      <HomeButton />
    </View>
  );
}
