/** 1. 为谁订餐: the elder herself; a family member's elders; a worker's search. */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useQuery } from '@tanstack/react-query';
import { mealApi } from '../../api/meals';
import { qk } from '../../api/query-keys';
import { Btn, Field } from '../../components/ui';
import { Choice, Section, type StepProps } from './step-parts';

export function ElderStep({ draft, choose }: StepProps) {
  const { role, elder, familyElders } = draft;
  const staff = role === 'worker' || role === 'admin';
  const [search, setSearch] = useState('');
  const [searchSent, setSearchSent] = useState('');
  const staffElders = useQuery({
    queryKey: qk('elders', draft.token, searchSent),
    queryFn: () => mealApi.searchElders(searchSent),
    enabled: staff,
  });
  const elderList = role === 'family' ? familyElders : staffElders;

  return (
    <Section step={1} title="为谁订餐">
      {role === 'elder' && <Text className="text meal__who">为 {elder?.name} 本人订餐</Text>}

      {role !== 'elder' && elder && (
        <View>
          <Text className="text meal__who">为 {elder.name} 订餐</Text>
          {!(role === 'family' && (familyElders.data?.items.length || 0) <= 1) && (
            <Btn className="btn--secondary" onClick={() => choose({ type: 'elder', elder: null })}>
              换一位长者
            </Btn>
          )}
        </View>
      )}

      {role !== 'elder' && !elder && (
        <View>
          {staff && (
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
              {role === 'family' ? '您还没有绑定长者。请让长者或助老员生成邀请码后绑定。' : '没有找到长者。'}
            </Text>
          )}
          {elderList.data?.items.map((e) => (
            <Choice
              key={e.id}
              wide
              selected={false}
              label={e.name}
              sub={e.address}
              onClick={() => choose({ type: 'elder', elder: e })}
            />
          ))}
        </View>
      )}
    </Section>
  );
}
