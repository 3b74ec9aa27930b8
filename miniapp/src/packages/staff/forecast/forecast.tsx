/**
 * 备餐预估 (canteen staff; an admin chooses the canteen): for 明天 / 后天, per meal, how many
 * portions of each dish to cook — the orders placed plus the standing orders not placed yet
 * — and how many meals need 低盐, 低糖, 软食… (GET /api/canteens/:id/forecast).
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useQuery } from '@tanstack/react-query';
import { useProfile } from '../../../api/profile';
import { useWorkingCanteen } from '../../../api/working-canteen';
import { standingApi, type ForecastSlot } from '../../../api/standing';
import { profileGate } from '../../../components/profile-gate';
import { CanteenChoices, Choice, Empty, HomeButton, QueryState, Section } from '../../../components/ui';
import '../../../components/standing-orders.scss';
import { addDays, chinaDate, dateLabel, slotLabel } from '../../../format';
import { PageTop } from '../../../components/page-top';
import { qk } from '../../../api/query-keys';

function SlotForecast({ s }: { s: ForecastSlot }) {
  return (
    <Section title={`${slotLabel(s.slot)}：共 ${s.meals.total} 份餐`}>
      <Text className="hint">
        已下单 {s.meals.placed} 份，长期订餐待下单 {s.meals.standing} 份
        {s.menuPublished ? '' : '（菜单还没发布）'}
      </Text>
      {s.dishes.length === 0 && <Empty>还没有人订这一餐。</Empty>}
      {s.dishes.map((d) => (
        <View key={d.dishId} className="forecast__row">
          <Text className="text">{d.name}</Text>
          <Text className="text forecast__total">
            {d.total} 份{d.standing ? `（含长期 ${d.standing}）` : ''}
          </Text>
        </View>
      ))}
      {s.diet.length > 0 && <Text className="text standing__step">饮食要求</Text>}
      {s.diet.map((n) => (
        <View key={n.note} className="forecast__row">
          <Text className="text">{n.note}</Text>
          <Text className="text forecast__total">{n.count} 人</Text>
        </View>
      ))}
    </Section>
  );
}

export default function ForecastPage() {
  const { token, me } = useProfile();
  const role = me.data?.role;
  const { canteenId, canteens, pick: setAdminCanteenId } = useWorkingCanteen(me.data);
  const [dayOffset, setDayOffset] = useState<1 | 2>(1);
  const date = addDays(chinaDate(Date.now()), dayOffset);
  const forecast = useQuery({
    queryKey: qk('forecast', canteenId, date),
    queryFn: () => standingApi.forecast(canteenId, date),
    enabled: !!canteenId,
    staleTime: 0,
  });

  const gate = profileGate({
    title: '备餐预估',
    pageClass: 'forecast',
    leadClass: 'forecast__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou:
      role === 'admin' || (role === 'canteen_staff' && canteenId) ? null : '只有食堂工作人员可以看备餐预估。',
  });
  if (gate) return gate;

  return (
    <View className="page forecast">
      <PageTop />
      <Text className="title">备餐预估</Text>
      {role === 'admin' && (
        <Section title="哪个食堂">
          <CanteenChoices q={canteens} selectedId={canteenId} onPick={(c) => setAdminCanteenId(c.id)} />
        </Section>
      )}
      {canteenId && (
        <View className="row">
          {([1, 2] as const).map((d) => (
            <Choice
              key={d}
              selected={d === dayOffset}
              label={d === 1 ? '明天' : '后天'}
              sub={dateLabel(addDays(chinaDate(Date.now()), d))}
              onClick={() => setDayOffset(d)}
            />
          ))}
        </View>
      )}
      {canteenId && (
        <QueryState q={forecast} what="备餐预估">
          {(f) => (
            <View>
              {f.days.map((day) => (
                <View key={day.date}>
                  {day.slots.map((s) => (
                    <SlotForecast key={s.slot} s={s} />
                  ))}
                </View>
              ))}
            </View>
          )}
        </QueryState>
      )}
      <HomeButton />
    </View>
  );
}
