/**
 * 我的家人 (family): link to a parent with the invite code they (or their worker) made,
 * switch between linked elders, book a meal for the one chosen, and see their orders.
 */
import { useEffect, useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { itemsText, statusLabel } from '../../../api/canteen';
import { mealApi } from '../../../api/meals';
import { useProfile } from '../../../api/profile';
import { familyApi } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import { Btn, Choice, Empty, ErrorBox, Field, Loading, Section, HomeButton } from '../../../components/ui';
import { chinaDate, dateLabel, formatYuan, slotLabel } from '../../../format';
import { roleLabel } from '../../../roles';
import { PageTop } from '../../../components/page-top';
import { qk } from '../../../api/query-keys';

export default function FamilyHomePage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const isFamily = me.data?.role === 'family';

  const elders = useQuery({
    queryKey: qk('family-elders', token),
    queryFn: familyApi.elders,
    enabled: isFamily,
  });
  const [chosenId, setChosenId] = useState('');
  useEffect(() => {
    // Not while the list is being fetched again: a parent just linked is not in the old list.
    const items = elders.data?.items ?? [];
    if (!elders.isFetching && items.length && !items.some((e) => e.id === chosenId)) setChosenId(items[0].id);
  }, [elders.data, elders.isFetching, chosenId]);
  const chosen = elders.data?.items.find((e) => e.id === chosenId);

  const orders = useQuery({
    queryKey: qk('meal-orders', chosenId),
    queryFn: () => mealApi.orders(chosenId),
    enabled: !!chosenId,
    staleTime: 0,
  });

  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState('');
  const link = useMutation({
    mutationFn: (c: string) => familyApi.link(c),
    onSuccess: (res) => {
      setCode('');
      setChosenId(res.elderId);
      void queryClient.invalidateQueries({ queryKey: qk('family-elders') });
    },
    onError: (err) => setCodeError(err.message),
  });
  const submit = () => {
    const c = code.trim();
    if (c.length !== 8) {
      setCodeError('邀请码是8位字母和数字，请再看一下');
      return;
    }
    setCodeError('');
    link.mutate(c);
  };

  const gate = profileGate({
    title: '我的家人',
    pageClass: 'family',
    leadClass: 'family__lead',
    signInLead: '请先登录，再绑定家人。',
    token,
    me,
    notForYou: isFamily ? null : '只有家属账号可以绑定长者。',
  });
  if (gate) return gate;

  const today = chinaDate(Date.now());
  const upcoming = (orders.data?.items ?? []).filter((o) => o.date >= today && o.status !== 'cancelled');

  return (
    <View className="page family">
      <PageTop />
      <Text className="title">我的家人</Text>

      {link.isSuccess && (
        <Text className="ok-box">已绑定 {link.data.elder.name}，现在可以为 TA 订餐了。</Text>
      )}

      <Section title="我绑定的长者">
        {elders.isPending && <Loading what="长者" />}
        {elders.isError && <ErrorBox message={elders.error.message} onRetry={() => elders.refetch()} />}
        {elders.data?.items.length === 0 && <Empty>还没有绑定长者。请用下面的邀请码绑定。</Empty>}
        {elders.data?.items.map((e) => (
          <Choice
            key={e.id}
            wide
            selected={e.id === chosenId}
            label={e.name}
            sub={e.address}
            onClick={() => setChosenId(e.id)}
          />
        ))}
      </Section>

      {chosen && (
        <Section title={`${chosen.name} 的订餐`}>
          <Btn
            onClick={() =>
              void Taro.navigateTo({ url: `/pages/meal-booking/meal-booking?elderId=${chosen.id}` })
            }
          >
            {`为 ${chosen.name} 订餐`}
          </Btn>
          <Btn
            className="btn--secondary"
            onClick={() =>
              void Taro.navigateTo({ url: `/packages/family/standing/standing?elderId=${chosen.id}` })
            }
          >
            {`${chosen.name} 的长期订餐`}
          </Btn>
          <Btn
            className="btn--secondary"
            onClick={() => void Taro.navigateTo({ url: `/pages/meal-card/meal-card?elderId=${chosen.id}` })}
          >
            {`${chosen.name} 的助餐卡（充值）`}
          </Btn>
          {orders.isPending && <Loading what="订单" />}
          {orders.isError && <ErrorBox message={orders.error.message} onRetry={() => orders.refetch()} />}
          {orders.data && upcoming.length === 0 && <Empty>{chosen.name} 还没有要吃的餐。</Empty>}
          {upcoming.map((o) => (
            <View key={o.id} className="card family__order">
              <Text className="card__title">
                {dateLabel(o.date)} {slotLabel(o.slot)} · {statusLabel(o.status)}
              </Text>
              <Text className="text">{itemsText(o.items)}</Text>
              <Text className="text">
                {o.fulfilment === 'delivery' ? '送餐上门' : `取餐码 ${o.pickupCode ?? ''}`} ·{' '}
                {o.payment?.method === 'card'
                  ? `已从助餐卡付 ${formatYuan(o.payment.amount)}`
                  : `应付 ${formatYuan(o.pricing.payable)}`}
              </Text>
              <Text className="hint">
                {o.bookedBy.role === 'elder'
                  ? '长者本人订'
                  : `由${roleLabel(o.bookedBy.role)} ${o.bookedBy.name ?? ''} 代订`}
              </Text>
            </View>
          ))}
          {orders.data && (
            <Btn
              className="btn--secondary"
              onClick={() => void Taro.navigateTo({ url: `/pages/my-orders/my-orders?elderId=${chosen.id}` })}
            >
              {`${chosen.name} 的全部订单`}
            </Btn>
          )}
        </Section>
      )}

      <Section title="用邀请码绑定长者">
        <Text className="hint">请长者在颐养通首页点「邀请家人」，或请社区助老员生成邀请码，再填到这里。</Text>
        <Field
          label="邀请码"
          value={code}
          onInput={(v) => setCode(v)}
          placeholder="8位邀请码"
          maxlength={8}
          error={codeError}
          onConfirm={submit}
        />
        <Btn className={link.isPending ? 'btn--busy' : undefined} onClick={() => !link.isPending && submit()}>
          {link.isPending ? '正在绑定…' : '绑定'}
        </Btn>
      </Section>

      <HomeButton />
    </View>
  );
}
