/**
 * 菜品 (canteen staff; an admin chooses the canteen): every dish with 改价 and 停售 / 恢复.
 * A new price is used by the menus saved after it (a menu already published keeps the price
 * it shows until it is published again); orders placed keep theirs. A dish no longer sold
 * leaves the menu page's dish list and cannot go on a new menu; old orders still name it.
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useProfile } from '../../../api/profile';
import { useWorkingCanteen } from '../../../api/working-canteen';
import { staffApi } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import { PriceRow } from '../../../components/price-row';
import { CanteenChoices, Empty, ErrorBox, HomeButton, Loading, Section } from '../../../components/ui';
import { PageTop } from '../../../components/page-top';
import '../../../components/price-row.scss';
import { qk } from '../../../api/query-keys';

export default function DishesPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const role = me.data?.role;
  const { canteenId, canteens, pick: setAdminCanteenId } = useWorkingCanteen(me.data);
  const dishes = useQuery({
    queryKey: qk('all-dishes', canteenId),
    queryFn: () => staffApi.allDishes(canteenId),
    enabled: !!canteenId,
  });
  const [done, setDone] = useState('');

  const gate = profileGate({
    title: '菜品',
    pageClass: 'dishes',
    leadClass: 'dishes__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou:
      role === 'admin' || (role === 'canteen_staff' && canteenId) ? null : '只有食堂工作人员可以修改菜品。',
  });
  if (gate) return gate;

  if (role === 'admin' && !canteenId) {
    return (
      <View className="page dishes">
        <PageTop />
        <Text className="title">菜品</Text>
        <Text className="text">请选择食堂：</Text>
        <CanteenChoices q={canteens} selectedId="" onPick={(c) => setAdminCanteenId(c.id)} />
      </View>
    );
  }

  return (
    <View className="page dishes price-rows">
      <PageTop />
      <Text className="title">菜品</Text>
      <Text className="hint">
        新价格用于此后发布的菜单；已发布的菜单重新发布后才用新价格。已下的单价格不变。停售的菜不能再放上菜单。
      </Text>
      {done && <Text className="ok-box">{done}</Text>}
      <Section title="本食堂的菜品">
        {dishes.isPending && <Loading what="菜品" />}
        {dishes.isError && <ErrorBox message={dishes.error.message} onRetry={() => dishes.refetch()} />}
        {dishes.data?.items.length === 0 && <Empty>食堂还没有菜品。</Empty>}
        {dishes.data?.items.map((d) => (
          <PriceRow
            key={d.id}
            name={d.name}
            price={d.price}
            retired={!!d.retired}
            retireWord="停售"
            change={(body) => staffApi.changeDish(canteenId, d.id, body)}
            onChanged={(words) => {
              setDone(words);
              void queryClient.invalidateQueries({ queryKey: qk('all-dishes', canteenId) });
              void queryClient.invalidateQueries({ queryKey: qk('dishes', canteenId) });
            }}
          />
        ))}
      </Section>
      <HomeButton />
    </View>
  );
}
