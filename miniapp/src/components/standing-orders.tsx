/**
 * 长期订餐: the elder's (or, for family and workers, one elder's) standing orders — each in
 * plain words (「每周一至周五 午餐 · 清蒸鲈鱼 · 堂食」) with its pauses and its last runs —
 * pausing one for some days (two big steppers: from which day, how many days; no calendar
 * pop-up), ending one with an in-page confirmation, and setting up a new one
 * (食堂 → 哪一餐 → 哪几天 → 菜 → 没有这道菜时 → 取餐方式 → 确认). Everything inline.
 * The same component serves the elder's page (main package) and the family and worker
 * pages (their subpackages); `?elderId=` names the elder for them.
 */
import { useEffect, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { standingOrderSummary, weekdaysText } from '@yiyangtong/shared/src/standing-orders';
import { plainError } from '../api/client';
import { mealApi, type Canteen } from '../api/meals';
import { useProfile } from '../api/profile';
import { standingApi, type StandingOrder, type StandingOrderBody } from '../api/standing';
import {
  addDays,
  chinaDate,
  dateLabel,
  fulfilmentLabel,
  slotLabel,
  type Fulfilment,
  type Slot,
} from '../format';
import { profileGate } from './profile-gate';
import './standing-orders.scss';
import { Btn, CanteenChoices, Choice, Empty, ErrorBox, HomeButton, Loading, Section } from './ui';
import { PageTop } from './page-top';
import { qk } from '../api/query-keys';

const ROLES = ['elder', 'family', 'worker', 'admin'];
const DAY_WORDS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const SLOT_ORDER: Slot[] = ['breakfast', 'lunch', 'dinner'];
const MAX_PAUSE_DAYS = 60;
// As the API takes them (shared/src/schemas/standing-orders.ts): up to 5 dishes, 1 to 10 each.
const MAX_DISHES = 5;
const MAX_QTY = 10;

const shortDate = (date: string) => dateLabel(date); // 「12月2日 周三」

const WHY: Record<string, string> = {
  SOLD_OUT: '菜已经订完了',
  MENU_NOT_PUBLISHED: '食堂还没发布菜单',
  INSUFFICIENT_BALANCE: '助餐卡余额不够',
  DISH_NOT_ON_MENU: '菜单上没有这道菜',
};

/** 「12月2日 周三 午餐：已自动订好」 / 「…：没订上（菜已经订完了）」 */
function runText(r: StandingOrder['runs'][number]): string {
  const when = `${shortDate(r.date)} ${slotLabel(r.slot)}`;
  if (r.status === 'placed') return `${when}：已自动订好`;
  if (r.status === 'failed')
    return `${when}：没订上（${(r.error && WHY[r.error.code]) ?? r.error?.message ?? '原因不明'}）`;
  return `${when}：正在订`;
}

/** Pause form: from which day (− / +), for how many days (− / +), then 确认暂停. */
function PauseForm({ order, onDone }: { order: StandingOrder; onDone: () => void }) {
  const queryClient = useQueryClient();
  const today = chinaDate(Date.now());
  const [from, setFrom] = useState(addDays(today, 1));
  const [days, setDays] = useState(1);
  const to = addDays(from, days - 1);
  const pause = useMutation({
    mutationFn: () => standingApi.pause(order.id, from, to),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: qk('standing-orders') });
      void queryClient.invalidateQueries({ queryKey: qk('meal-orders') });
      onDone();
    },
  });
  return (
    <View className="standing__pause-form">
      <Text className="text standing__label">从哪天开始暂停</Text>
      <View className="item-row">
        <Btn
          className="stepper-btn"
          label="开始日期往前一天"
          disabled={from <= today}
          onClick={() => setFrom(addDays(from, -1))}
        >
          −
        </Btn>
        <Text className="stepper-qty standing__date">{shortDate(from)}</Text>
        <Btn className="stepper-btn" label="开始日期往后一天" onClick={() => setFrom(addDays(from, 1))}>
          +
        </Btn>
      </View>
      <Text className="text standing__label">暂停几天</Text>
      <View className="item-row">
        <Btn className="stepper-btn" label="少停一天" disabled={days <= 1} onClick={() => setDays(days - 1)}>
          −
        </Btn>
        <Text className="stepper-qty standing__date">{days} 天</Text>
        <Btn
          className="stepper-btn"
          label="多停一天"
          disabled={days >= MAX_PAUSE_DAYS}
          onClick={() => setDays(days + 1)}
        >
          +
        </Btn>
      </View>
      <Text className="text standing__pause-summary">
        暂停 {shortDate(from)} 至 {shortDate(to)}，共 {days} 天
      </Text>
      {pause.isError && <Text className="error-box">{plainError(pause.error)}</Text>}
      <Btn
        className={pause.isPending ? 'btn--busy' : undefined}
        onClick={() => !pause.isPending && pause.mutate()}
      >
        {pause.isPending ? '正在暂停…' : '确认暂停'}
      </Btn>
      <Btn className="btn--secondary" onClick={onDone}>
        不暂停了
      </Btn>
    </View>
  );
}

function StandingCard({ order }: { order: StandingOrder }) {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState<'' | 'pause' | 'end'>('');
  const refresh = () => void queryClient.invalidateQueries({ queryKey: qk('standing-orders') });
  const removePause = useMutation({
    mutationFn: (pauseId: string) => standingApi.removePause(order.id, pauseId),
    onSuccess: refresh,
  });
  const end = useMutation({ mutationFn: () => standingApi.end(order.id), onSuccess: refresh });
  return (
    <View className="card standing__card">
      <Text className="card__title standing__summary">{order.summary}</Text>
      <Text className="text">
        {order.canteenName}
        {order.items.some((i) => i.fallback === 'set_meal') ? ' · 当天没有这道菜时改订套餐' : ''}
      </Text>
      {order.pauses.map((p) => (
        <View key={p.id} className="standing__paused">
          <Text className="text">
            已暂停：{shortDate(p.from)} 至 {shortDate(p.to)}
          </Text>
          <Btn
            className="btn--secondary"
            label={`恢复 ${shortDate(p.from)} 至 ${shortDate(p.to)} 的订餐`}
            onClick={() => !removePause.isPending && removePause.mutate(p.id)}
          >
            恢复这几天
          </Btn>
        </View>
      ))}
      {order.runs.slice(0, 3).map((r) => (
        <Text key={`${r.date}:${r.slot}`} className={r.status === 'failed' ? 'error-box' : 'hint'}>
          {runText(r)}
        </Text>
      ))}
      {removePause.isError && <Text className="error-box">{plainError(removePause.error)}</Text>}
      {open === 'pause' && <PauseForm order={order} onDone={() => setOpen('')} />}
      {open === 'end' && (
        <View className="standing__confirm">
          <Text className="text standing__question">确定不再长期订餐？已经订好的餐还在“我的订单”里。</Text>
          {end.isError && <Text className="error-box">{plainError(end.error)}</Text>}
          <Btn className="btn--danger" onClick={() => !end.isPending && end.mutate()}>
            确定不再订
          </Btn>
          <Btn className="btn--secondary" onClick={() => setOpen('')}>
            继续长期订餐
          </Btn>
        </View>
      )}
      {open === '' && (
        <View className="row">
          <Btn label={`暂停几天 ${order.summary}`} onClick={() => setOpen('pause')}>
            暂停几天
          </Btn>
          <Btn className="btn--secondary" label={`不再订 ${order.summary}`} onClick={() => setOpen('end')}>
            不再订
          </Btn>
        </View>
      )}
    </View>
  );
}

type CanteenWithSlots = Canteen & { slots?: { slot: Slot }[] };

/** Setting up a new standing order, step by step; the plain summary before 确认. */
function NewStandingOrder({ elderId, near }: { elderId: string; near?: { lng: number; lat: number } }) {
  const queryClient = useQueryClient();
  const canteens = useQuery({
    queryKey: qk('canteens', near?.lng ?? null, near?.lat ?? null),
    queryFn: () => mealApi.canteens(near),
  });
  const [canteenId, setCanteenId] = useState('');
  useEffect(() => {
    const items = canteens.data?.items;
    if (!canteenId && items && items.length > 0 && (items.length === 1 || near)) setCanteenId(items[0].id);
  }, [canteens.data, canteenId, near]);
  const canteen = canteens.data?.items.find((c) => c.id === canteenId) as CanteenWithSlots | undefined;
  const slots = SLOT_ORDER.filter((s) => !canteen?.slots || canteen.slots.some((c) => c.slot === s));
  const [slot, setSlot] = useState<Slot>('lunch');
  const [weekdays, setWeekdays] = useState<number[]>([1, 2, 3, 4, 5]);
  const dishes = useQuery({
    queryKey: qk('dishes', canteenId),
    queryFn: () => standingApi.dishes(canteenId),
    enabled: !!canteenId,
  });
  // The dishes chosen, in the order they were picked, each with how many portions.
  const [picked, setPicked] = useState<{ dishId: string; qty: number }[]>([]);
  const chosen = picked.flatMap((p) => {
    const d = dishes.data?.items.find((x) => x.id === p.dishId);
    return d ? [{ ...p, name: d.name }] : [];
  });
  const toggleDish = (dishId: string) => {
    create.reset();
    setPicked((ps) =>
      ps.some((p) => p.dishId === dishId)
        ? ps.filter((p) => p.dishId !== dishId)
        : ps.length < MAX_DISHES
          ? [...ps, { dishId, qty: 1 }]
          : ps,
    );
  };
  const changeQty = (dishId: string, d: number) => {
    create.reset();
    setPicked((ps) =>
      ps.map((p) => (p.dishId === dishId ? { ...p, qty: Math.max(1, Math.min(MAX_QTY, p.qty + d)) } : p)),
    );
  };
  const [fallback, setFallback] = useState<'set_meal' | 'skip'>('set_meal');
  const offered: Fulfilment[] = canteen?.fulfilment?.length ? canteen.fulfilment : ['dine_in'];
  const [fulfilment, setFulfilment] = useState<Fulfilment>('dine_in');
  const chosenFulfilment = offered.includes(fulfilment) ? fulfilment : offered[0];

  const body: StandingOrderBody | null =
    canteen && chosen.length && weekdays.length
      ? {
          elderId,
          canteenId: canteen.id,
          slot: slots.includes(slot) ? slot : slots[0],
          weekdays,
          items: chosen.map((c) => ({ dishId: c.dishId, qty: c.qty, fallback })),
          fulfilment: chosenFulfilment,
          payment: 'counter',
        }
      : null;
  const create = useMutation({
    mutationFn: (b: StandingOrderBody) => standingApi.create(b),
    onSuccess: () => {
      setPicked([]);
      void queryClient.invalidateQueries({ queryKey: qk('standing-orders') });
    },
  });
  const toggleDay = (d: number) => {
    create.reset();
    setWeekdays((w) => (w.includes(d) ? w.filter((x) => x !== d) : [...w, d].sort((a, b) => a - b)));
  };

  return (
    <View>
      {create.isSuccess && (
        <Text className="ok-box standing__done">已设置：{create.data.summary}。从明天起自动订餐。</Text>
      )}
      <Text className="text standing__step">1. 选食堂</Text>
      <CanteenChoices
        q={canteens}
        selectedId={canteenId}
        onPick={(c) => {
          create.reset();
          setCanteenId(c.id);
          setPicked([]);
        }}
      />
      {canteen && (
        <View>
          <Text className="text standing__step">2. 哪一餐</Text>
          <View className="row">
            {slots.map((s) => (
              <Choice
                key={s}
                selected={s === (slots.includes(slot) ? slot : slots[0])}
                label={slotLabel(s)}
                onClick={() => setSlot(s)}
              />
            ))}
          </View>
          <Text className="text standing__step">3. 每周哪几天：{weekdaysText(weekdays) || '还没选'}</Text>
          <View className="row">
            <Choice
              selected={weekdays.join() === '1,2,3,4,5'}
              label="工作日"
              onClick={() => setWeekdays([1, 2, 3, 4, 5])}
            />
            <Choice
              selected={weekdays.length === 7}
              label="每天"
              onClick={() => setWeekdays([1, 2, 3, 4, 5, 6, 7])}
            />
          </View>
          <View className="standing__days">
            {DAY_WORDS.map((w, i) => (
              <Choice
                key={w}
                className="standing__day"
                selected={weekdays.includes(i + 1)}
                label={w}
                onClick={() => toggleDay(i + 1)}
              />
            ))}
          </View>
          <Text className="text standing__step">4. 订哪些菜（最多 {MAX_DISHES} 道）</Text>
          {dishes.isPending && <Loading what="菜品" />}
          {dishes.isError && <ErrorBox message={dishes.error.message} onRetry={() => dishes.refetch()} />}
          {dishes.data?.items.length === 0 && <Empty>这个食堂还没有菜品。</Empty>}
          {picked.length >= MAX_DISHES && (
            <Text className="hint">已选 {MAX_DISHES} 道菜，最多这么多；换菜请先取消一道。</Text>
          )}
          {dishes.data?.items.map((d) => {
            const p = picked.find((x) => x.dishId === d.id);
            return (
              <View key={d.id} className="standing__dish">
                <Choice
                  wide
                  selected={!!p}
                  disabled={!p && picked.length >= MAX_DISHES}
                  label={d.name}
                  sub={p ? `每次 ${p.qty} 份` : undefined}
                  onClick={() => toggleDish(d.id)}
                />
                {p && (
                  <View className="item-row">
                    <Btn
                      className="stepper-btn"
                      label={`少一份 ${d.name}`}
                      disabled={p.qty <= 1}
                      onClick={() => changeQty(d.id, -1)}
                    >
                      −
                    </Btn>
                    <Text className="stepper-qty standing__qty">{p.qty} 份</Text>
                    <Btn
                      className="stepper-btn"
                      label={`多一份 ${d.name}`}
                      disabled={p.qty >= MAX_QTY}
                      onClick={() => changeQty(d.id, 1)}
                    >
                      +
                    </Btn>
                  </View>
                )}
              </View>
            );
          })}
          <Text className="text standing__step">5. 哪天菜单上没有选的菜</Text>
          <View className="row">
            <Choice
              selected={fallback === 'set_meal'}
              label="改订当天套餐"
              onClick={() => setFallback('set_meal')}
            />
            <Choice selected={fallback === 'skip'} label="这天不订" onClick={() => setFallback('skip')} />
          </View>
          <Text className="text standing__step">6. 取餐方式</Text>
          <View className="row">
            {offered.map((f) => (
              <Choice
                key={f}
                selected={f === chosenFulfilment}
                label={fulfilmentLabel(f)}
                onClick={() => setFulfilment(f)}
              />
            ))}
          </View>
        </View>
      )}
      {body && (
        <View className="card standing__preview">
          <Text className="card__title">
            {standingOrderSummary({ ...body, items: chosen.map((c) => ({ name: c.name, qty: c.qty })) })}
          </Text>
          <Text className="hint">每天在截止前自动订好，订好的餐在“我的订单”里，到食堂付款。</Text>
        </View>
      )}
      {create.isError && <Text className="error-box">{plainError(create.error)}</Text>}
      {body && (
        <Btn
          className={create.isPending ? 'btn--busy' : undefined}
          onClick={() => !create.isPending && create.mutate(body)}
        >
          {create.isPending ? '正在设置…' : '确认长期订餐'}
        </Btn>
      )}
    </View>
  );
}

export function StandingOrdersPage() {
  const { token, me } = useProfile();
  const role = me.data?.role ?? '';
  const params = useRouter().params as Record<string, string | undefined>;
  const ownElderId = role === 'elder' ? String(me.data?.elderId ?? '') : '';
  const family = useQuery({
    queryKey: qk('family-elders', token),
    queryFn: mealApi.familyElders,
    enabled: role === 'family' && !params.elderId,
  });
  const [picked, setPicked] = useState('');
  const elderId =
    ownElderId ||
    params.elderId ||
    picked ||
    (family.data?.items.length === 1 ? family.data.items[0].id : '');
  const elder = useQuery({
    queryKey: qk('elder', elderId),
    queryFn: () => mealApi.elder(elderId),
    enabled: !!elderId,
  });
  const list = useQuery({
    queryKey: qk('standing-orders', elderId),
    queryFn: () => standingApi.list(elderId),
    enabled: !!elderId,
    staleTime: 0,
  });

  const gate = profileGate({
    title: '长期订餐',
    pageClass: 'standing',
    leadClass: 'standing__lead',
    signInLead: '请先登录，再设置长期订餐。',
    token,
    me,
    notForYou: ROLES.includes(role)
      ? role === 'worker' || role === 'admin'
        ? params.elderId
          ? null
          : '请从“长者名册”里选一位长者，再设置长期订餐。'
        : null
      : '长期订餐由长者本人、家属或助老员设置。',
  });
  if (gate) return gate;

  const name = role === 'elder' ? '我' : (elder.data?.name ?? '');
  return (
    <View className={role === 'elder' ? 'page page--elder standing' : 'page standing'}>
      <PageTop />
      <Text className="title">长期订餐</Text>
      <Text className="text standing__lead">每周固定几天的同一餐，设置一次，每天自动订好，不用天天订。</Text>

      {role === 'family' && !params.elderId && (family.data?.items.length ?? 0) > 1 && (
        <Section title="为哪位家人">
          {family.data!.items.map((e) => (
            <Choice
              key={e.id}
              wide
              selected={e.id === elderId}
              label={e.name}
              onClick={() => setPicked(e.id)}
            />
          ))}
        </Section>
      )}
      {role === 'family' && family.data?.items.length === 0 && <Empty>您还没有绑定长者。</Empty>}

      {elderId && (
        <Section title={name === '我' ? '我的长期订餐' : `${name} 的长期订餐`}>
          {list.isPending && <Loading what="长期订餐" />}
          {list.isError && <ErrorBox message={list.error.message} onRetry={() => list.refetch()} />}
          {list.data?.items.length === 0 && <Empty>还没有长期订餐。</Empty>}
          {list.data?.items.map((o) => (
            <StandingCard key={o.id} order={o} />
          ))}
        </Section>
      )}

      {elderId && (
        <Section title="新的长期订餐">
          <NewStandingOrder elderId={elderId} near={elder.data?.location} />
        </Section>
      )}
      <HomeButton />
    </View>
  );
}
