/**
 * 送餐上门 (canteen staff; an admin chooses the canteen and only looks): the meal's delivery
 * orders — name, address, diet, dishes, money to collect — with a dial button for the elder's
 * phone and three big buttons for what happened at the door: 已送达 / 无人应门 / 身体不适.
 * 无人应门 and 身体不适 raise an alarm for the community's workers and the family (the server
 * does it once); the result is written on the delivery's card, in the page (no pop-ups).
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { plainError } from '../../../api/client';
import {
  DELIVERY_OUTCOME_LABELS,
  deliveryApi,
  type Delivery,
  type DeliveryOutcome,
} from '../../../api/delivery';
import { cls, useProfile } from '../../../api/profile';
import { useWorkingCanteen } from '../../../api/working-canteen';
import { profileGate } from '../../../components/profile-gate';
import { CallLink } from '../../../components/tap';
import { Btn, CanteenChoices, Choice, Empty, HomeButton, QueryState, Section } from '../../../components/ui';
import { addDays, chinaDate, chinaTime, dateLabel, formatYuan, slotLabel, type Slot } from '../../../format';
import { PageTop } from '../../../components/page-top';
import './delivery.scss';
import { qk } from '../../../api/query-keys';

const SLOTS: Slot[] = ['breakfast', 'lunch', 'dinner'];
const OUTCOMES: DeliveryOutcome[] = ['delivered', 'not_home', 'unwell'];

/** The meal being served now (China time): breakfast before 9:30, lunch before 15:00, else dinner. */
function slotNow(): Slot {
  const [h, m] = chinaTime(Date.now()).split(':').map(Number);
  const minutes = h * 60 + m;
  return minutes < 9 * 60 + 30 ? 'breakfast' : minutes < 15 * 60 ? 'lunch' : 'dinner';
}

function moneyText(d: Delivery): string {
  const p = d.payment;
  if (!p || p.amount === 0) return '';
  if (p.method === 'card') return `助餐卡已付 ${formatYuan(p.amount)}`;
  return p.status === 'paid' ? `已收 ${formatYuan(p.amount)}` : `送到时收 ${formatYuan(p.amount)}`;
}

/** What was recorded, in words: 「已送达 12:05」, 「无人应门 12:05，已通知社区和家属」. */
function outcomeText(d: Delivery): string {
  if (!d.delivery) return '';
  const time = chinaTime(d.delivery.at);
  const said = `${DELIVERY_OUTCOME_LABELS[d.delivery.outcome]} ${time}`;
  return d.delivery.outcome === 'delivered' ? said : `${said}，已通知社区助老员和家属`;
}

function DeliveryCard(props: { d: Delivery; canMark: boolean; onMarked: () => void }) {
  const { d, canMark, onMarked } = props;
  const mark = useMutation({
    mutationFn: (outcome: DeliveryOutcome) => deliveryApi.mark(d.orderId, outcome),
    onSuccess: onMarked,
  });
  // The answer to this courier's tap is the newest word on this delivery.
  const current = mark.data ?? d;
  const recorded = current.delivery?.outcome;
  const done = recorded === 'delivered' || current.status === 'served';
  return (
    <View
      className={cls('card delivery', recorded && `delivery--${recorded}`)}
      {...{ role: 'group', 'aria-label': `送给 ${d.elderName}` }}
    >
      <Text className="card__title delivery__name">{d.elderName}</Text>
      <Text className="text delivery__address">📍 {d.address || '（没有登记地址）'}</Text>
      <Text className="text">{d.items}</Text>
      {d.dietNotes && <Text className="text delivery__diet">饮食：{d.dietNotes}</Text>}
      {moneyText(current) && <Text className="hint">{moneyText(current)}</Text>}
      {d.phone ? (
        <CallLink name={d.elderName} phone={d.phone} label={`拨打电话 ${d.elderName}`} />
      ) : (
        <Text className="hint">没有登记电话</Text>
      )}
      {recorded && (
        <Text className={cls('delivery__result', recorded === 'delivered' ? 'ok-box' : 'error-box')}>
          {outcomeText(current)}
        </Text>
      )}
      {mark.isError && <Text className="error-box">{plainError(mark.error)}</Text>}
      {canMark && !done && (
        <View className="delivery__buttons">
          {OUTCOMES.filter((o) => o !== recorded).map((o) => (
            <Btn
              key={o}
              className={cls(
                'delivery__btn',
                o === 'delivered' ? '' : 'btn--danger',
                mark.isPending && 'btn--busy',
              )}
              label={`${DELIVERY_OUTCOME_LABELS[o]} ${d.elderName}`}
              onClick={() => !mark.isPending && mark.mutate(o)}
            >
              {DELIVERY_OUTCOME_LABELS[o]}
            </Btn>
          ))}
        </View>
      )}
    </View>
  );
}

export default function DeliveryPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const role = me.data?.role;
  const { canteenId, canteens, pick: setAdminCanteenId } = useWorkingCanteen(me.data);
  const today = chinaDate(Date.now());
  const [dayOffset, setDayOffset] = useState<0 | 1>(0);
  const date = addDays(today, dayOffset);
  const [slot, setSlot] = useState<Slot>(slotNow);
  const list = useQuery({
    queryKey: qk('deliveries', canteenId, date, slot),
    queryFn: () => deliveryApi.list(canteenId, date, slot),
    enabled: !!canteenId,
    staleTime: 0,
  });

  const gate = profileGate({
    title: '送餐上门',
    pageClass: 'deliveries',
    leadClass: 'deliveries__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou:
      role === 'admin' || (role === 'canteen_staff' && canteenId) ? null : '只有食堂工作人员可以登记送餐。',
  });
  if (gate) return gate;

  return (
    <View className="page deliveries">
      <PageTop />
      <Text className="title">送餐上门</Text>
      {role === 'admin' && (
        <Section title="哪个食堂">
          <CanteenChoices q={canteens} selectedId={canteenId} onPick={(c) => setAdminCanteenId(c.id)} />
        </Section>
      )}
      {canteenId && (
        <View>
          <View className="row">
            {([0, 1] as const).map((d) => (
              <Choice
                key={d}
                selected={d === dayOffset}
                label={d === 0 ? '今天' : '明天'}
                sub={dateLabel(addDays(today, d))}
                onClick={() => setDayOffset(d)}
              />
            ))}
          </View>
          <View className="row">
            {SLOTS.map((s) => (
              <Choice key={s} selected={s === slot} label={slotLabel(s)} onClick={() => setSlot(s)} />
            ))}
          </View>
        </View>
      )}
      {canteenId && (
        <QueryState q={list} what="送餐名单">
          {(data) => (
            <View>
              <Text className="text deliveries__count">
                {dateLabel(date)} {slotLabel(slot)}：送餐 {data.items.length} 份，已送达{' '}
                {data.items.filter((d) => d.status === 'served').length} 份
              </Text>
              {data.items.length === 0 && <Empty>这一餐没有要送上门的。</Empty>}
              {data.items.map((d) => (
                <DeliveryCard
                  key={d.orderId}
                  d={d}
                  canMark={role === 'canteen_staff'}
                  onMarked={() =>
                    void queryClient.invalidateQueries({ queryKey: qk('deliveries', canteenId) })
                  }
                />
              ))}
            </View>
          )}
        </QueryState>
      )}
      <HomeButton />
    </View>
  );
}
