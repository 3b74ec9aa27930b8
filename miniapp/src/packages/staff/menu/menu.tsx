/**
 * 发布菜单 (canteen staff; an admin chooses the canteen): for a date and a meal, pick the
 * dishes and their portions, or copy yesterday's menu of that meal in one tap, then publish
 * (PUT /api/canteens/:id/menus/:date/:slot). The server refuses fewer portions than are
 * already booked; its words are shown inline.
 */
import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProfile } from '../../../api/profile';
import { useWorkingCanteen } from '../../../api/working-canteen';
import { staffApi } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import {
  Btn,
  Choice,
  Empty,
  Field,
  ErrorBox,
  Loading,
  Section,
  HomeButton,
  CanteenChoices,
} from '../../../components/ui';
import { addDays, chinaDate, dateLabel, formatYuan, slotLabel, type Slot } from '../../../format';
import './menu.scss';
import { PageTop } from '../../../components/page-top';
import { qk } from '../../../api/query-keys';

const SLOTS: Slot[] = ['breakfast', 'lunch', 'dinner'];
const STEP = 5;
// Portions per dish and meal: a community canteen cooks tens to hundreds; more is a slip.
const MAX_PORTIONS = 1000;
const portionsProblem = (v: string) =>
  /^\d{1,5}$/.test(v.trim()) && Number(v) <= MAX_PORTIONS
    ? ''
    : `请填 0 到 ${MAX_PORTIONS} 的整数（不上这道菜填 0）`;

export default function MenuPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const role = me.data?.role;
  const { canteenId, canteens, pick: setAdminCanteenId } = useWorkingCanteen(me.data);

  const [dayOffset, setDayOffset] = useState<0 | 1 | 2>(1);
  const today = chinaDate(Date.now());
  const date = addDays(today, dayOffset);
  const [slot, setSlot] = useState<Slot>('lunch');

  const dishes = useQuery({
    queryKey: qk('dishes', canteenId),
    queryFn: () => staffApi.dishes(canteenId),
    enabled: !!canteenId,
  });
  const day = useQuery({
    queryKey: qk('menu', canteenId, date),
    queryFn: () => staffApi.menu(canteenId, date),
    enabled: !!canteenId,
    staleTime: 0,
  });
  const offered = day.data?.slots.map((s) => s.slot) ?? [];
  const current = day.data?.slots.find((s) => s.slot === slot);

  // Portions per dish being edited (0 = not on the menu), starting from what is published.
  const [quota, setQuota] = useState<Record<string, number>>({});
  const [copied, setCopied] = useState('');
  // What staff are typing in a dish's 份数 field, kept as typed until the steppers take over.
  const [typed, setTyped] = useState<Record<string, string>>({});
  useEffect(() => {
    const next: Record<string, number> = {};
    for (const i of current?.items ?? []) next[i.dishId] = i.quota ?? i.remaining;
    setQuota(next);
    setTyped({});
    setCopied('');
  }, [current]);

  const copyYesterday = useMutation({
    mutationFn: () => staffApi.menu(canteenId, addDays(date, -1)),
    onSuccess: (prev) => {
      const s = prev.slots.find((x) => x.slot === slot);
      if (!s || s.items.length === 0) {
        setCopied(`昨天（${dateLabel(addDays(date, -1))}）的${slotLabel(slot)}没有菜单，不能复制。`);
        return;
      }
      const next: Record<string, number> = {};
      for (const i of s.items) next[i.dishId] = i.quota ?? i.remaining;
      setQuota(next);
      setTyped({});
      setCopied(`已复制昨天的${slotLabel(slot)}：${s.items.length} 道菜。核对后点「发布菜单」。`);
    },
  });

  const items = Object.entries(quota)
    .filter(([, n]) => n > 0)
    .map(([dishId, n]) => ({ dishId, quota: n }));
  const badTyped = Object.values(typed).some((v) => portionsProblem(v));
  const publish = useMutation({
    mutationFn: () => staffApi.publish(canteenId, date, slot, { items }),
    onSuccess: () => {
      setCopied('');
      void queryClient.invalidateQueries({ queryKey: qk('menu', canteenId, date) });
    },
  });

  const gate = profileGate({
    title: '发布菜单',
    pageClass: 'menu',
    leadClass: 'menu__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou:
      role === 'admin' || (role === 'canteen_staff' && canteenId) ? null : '只有食堂工作人员可以发布菜单。',
  });
  if (gate) return gate;

  if (role === 'admin' && !canteenId) {
    return (
      <View className="page menu">
        <PageTop />
        <Text className="title">发布菜单</Text>
        <Text className="text">请选择食堂：</Text>
        <CanteenChoices q={canteens} selectedId="" onPick={(c) => setAdminCanteenId(c.id)} />
      </View>
    );
  }

  const change = (dishId: string, d: number) => {
    publish.reset();
    setTyped(({ [dishId]: _, ...rest }) => rest);
    setQuota((q) => ({ ...q, [dishId]: Math.max(0, Math.min(MAX_PORTIONS, (q[dishId] ?? 0) + d)) }));
  };
  const type = (dishId: string, v: string) => {
    publish.reset();
    setTyped((t) => ({ ...t, [dishId]: v }));
    if (!portionsProblem(v)) setQuota((q) => ({ ...q, [dishId]: Number(v) }));
  };

  return (
    <View className="page menu">
      <PageTop />
      <Text className="title">发布菜单</Text>

      <Section title="哪天">
        <View className="row">
          {([0, 1, 2] as const).map((d) => (
            <Choice
              key={d}
              selected={d === dayOffset}
              label={['今天', '明天', '后天'][d]}
              sub={dateLabel(addDays(today, d)).split(' ')[0]}
              onClick={() => {
                publish.reset();
                setDayOffset(d);
              }}
            />
          ))}
        </View>
      </Section>
      <Section title="哪一餐">
        <View className="row">
          {SLOTS.filter((s) => !day.data || offered.includes(s)).map((s) => (
            <Choice
              key={s}
              selected={s === slot}
              label={slotLabel(s)}
              onClick={() => {
                publish.reset();
                setSlot(s);
              }}
            />
          ))}
        </View>
      </Section>

      <Btn className="btn--secondary" onClick={() => !copyYesterday.isPending && copyYesterday.mutate()}>
        复制昨天的菜单
      </Btn>
      {copied && <Text className="text menu__copied">{copied}</Text>}
      {copyYesterday.isError && <Text className="error-box">{copyYesterday.error.message}</Text>}

      <Section title={`${dateLabel(date)} ${slotLabel(slot)}：菜品和份数`}>
        {(dishes.isPending || day.isPending) && <Loading what="菜品" />}
        {dishes.isError && <ErrorBox message={dishes.error.message} onRetry={() => dishes.refetch()} />}
        {dishes.data?.items.length === 0 && <Empty>食堂还没有菜品。</Empty>}
        {dishes.data?.items.map((d) => {
          const n = quota[d.id] ?? 0;
          const booked = current?.items.find((i) => i.dishId === d.id);
          return (
            <View key={d.id} className={n > 0 ? 'menu__dish menu__dish--on' : 'menu__dish'}>
              <Text className="item-row__name menu__dish-name">{d.name}</Text>
              <Text className="text">
                {formatYuan(d.price)}
                {booked && booked.quota !== undefined ? ` · 已订 ${booked.quota - booked.remaining} 份` : ''}
              </Text>
              <View className="item-row menu__portions">
                <Btn
                  className="stepper-btn menu__step"
                  label={`减${STEP}份 ${d.name}`}
                  disabled={n === 0}
                  onClick={() => change(d.id, -STEP)}
                >
                  −{STEP}
                </Btn>
                <Field
                  label={`${d.name} 份数`}
                  type="number"
                  maxlength={5}
                  value={typed[d.id] ?? String(n)}
                  onInput={(v) => type(d.id, v)}
                  placeholder="0"
                  error={typed[d.id] !== undefined ? portionsProblem(typed[d.id]) : ''}
                />
                <Btn
                  className="stepper-btn menu__step"
                  label={`加${STEP}份 ${d.name}`}
                  onClick={() => change(d.id, STEP)}
                >
                  +{STEP}
                </Btn>
              </View>
            </View>
          );
        })}
      </Section>

      {publish.isSuccess && (
        <Text className="ok-box menu__done">
          已发布 {dateLabel(date)} {slotLabel(slot)}：{items.length} 道菜，共{' '}
          {items.reduce((s, i) => s + i.quota, 0)} 份。
        </Text>
      )}
      {publish.isError && <Text className="error-box">{publish.error.message}</Text>}
      {badTyped && <Text className="error-box">有的份数填得不对，改好再发布。</Text>}
      <Btn
        className={publish.isPending ? 'btn--busy' : undefined}
        disabled={badTyped}
        onClick={() => !publish.isPending && publish.mutate()}
      >
        {publish.isPending ? '正在发布…' : '发布菜单'}
      </Btn>
      <HomeButton />
    </View>
  );
}
