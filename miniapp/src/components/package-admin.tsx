/**
 * 服务套餐 (admin, on the 服务项目 page): the monthly packages — an item, how many visits a
 * month, one price — created here and 停售 / 恢复 with one tap. Bought packages keep working
 * after a package is retired. Works on a phone and at a desk.
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import type { CreateServicePackageBody } from '@yiyangtong/shared/src/schemas/packages';
import { request } from '../api/client';
import type { ServicePackage } from '../api/packages';
import { formatYuan } from '../format';
import { yuanToFen } from './price-row';
import { Btn, Choice, Empty, ErrorBox, Field, Loading, Section } from './ui';
import { qk } from '../api/query-keys';

const packageApi = {
  catalogue: () => request<{ items: ServicePackage[] }>('GET', '/api/service-packages'),
  create: (body: CreateServicePackageBody) => request<ServicePackage>('POST', '/api/service-packages', body),
  setActive: (packageId: string, active: boolean) =>
    request<ServicePackage>('PATCH', `/api/service-packages/${encodeURIComponent(packageId)}`, { active }),
};

function PackageRow({ p, onChanged }: { p: ServicePackage; onChanged: (words: string) => void }) {
  const toggle = useMutation({
    mutationFn: () => packageApi.setActive(p.id, !p.active),
    onSuccess: (after) => onChanged(after.active ? `「${p.name}」已恢复销售。` : `「${p.name}」已停售。`),
  });
  return (
    <View className={p.active ? 'card price-row' : 'card price-row price-row--retired'}>
      <Text className="text price-row__name">
        {p.name}：{p.itemName}每月 {p.visitsPerMonth} 次，{formatYuan(p.price)}
      </Text>
      {!p.active && <Text className="text price-row__state">已停售（已买的照常使用）</Text>}
      {toggle.isError && <ErrorBox message={toggle.error.message} />}
      <Btn
        className="btn--secondary"
        label={p.active ? `停售 ${p.name}` : `恢复销售 ${p.name}`}
        disabled={toggle.isPending}
        onClick={() => toggle.mutate()}
      >
        {p.active ? '停售' : '恢复销售'}
      </Btn>
    </View>
  );
}

export function PackageAdmin({ items }: { items: { id: string; name: string; retired?: boolean }[] }) {
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: qk('service-packages'),
    queryFn: packageApi.catalogue,
  });
  const [itemId, setItemId] = useState('');
  const [name, setName] = useState('');
  const [visits, setVisits] = useState('');
  const [price, setPrice] = useState('');
  const [problem, setProblem] = useState('');
  const [done, setDone] = useState('');
  const changed = (words: string) => {
    setDone(words);
    void qc.invalidateQueries({ queryKey: qk('service-packages') });
  };
  const create = useMutation({
    mutationFn: packageApi.create,
    onSuccess: (p) => {
      setName('');
      setVisits('');
      setPrice('');
      changed(`已新建套餐「${p.name}」：${p.itemName}每月 ${p.visitsPerMonth} 次，${formatYuan(p.price)}。`);
    },
  });
  const submit = () => {
    const n = Number(visits);
    const fen = yuanToFen(price);
    if (!itemId) return setProblem('请先选择服务项目');
    if (!name.trim()) return setProblem('请填写套餐名称，例如「助浴月卡」');
    if (!Number.isInteger(n) || n < 1 || n > 31) return setProblem('每月次数请填 1 到 31 的整数');
    if (fen === null) return setProblem('请填写套餐价（元），例如 200 或 199.50');
    setProblem('');
    create.mutate({ itemId, name: name.trim(), visitsPerMonth: n, price: fen });
  };
  return (
    <Section title="服务套餐（按月）">
      <Text className="hint">套餐按月购买，价格按长者的补贴规则计算；当月未用完的次数月底作废。</Text>
      {done && <Text className="ok-box">{done}</Text>}
      {list.isPending && <Loading what="服务套餐" />}
      {list.isError && <ErrorBox message={list.error.message} onRetry={() => list.refetch()} />}
      {list.data?.items.length === 0 && <Empty>还没有服务套餐。</Empty>}
      {list.data?.items.map((p) => (
        <PackageRow key={p.id} p={p} onChanged={changed} />
      ))}
      <View className="card">
        <Text className="text">新建套餐：选择服务项目</Text>
        {items
          .filter((i) => !i.retired)
          .map((i) => (
            <Choice key={i.id} label={i.name} selected={itemId === i.id} onClick={() => setItemId(i.id)} />
          ))}
        <Field label="套餐名称" value={name} onInput={setName} placeholder="例如 助浴月卡" maxlength={40} />
        <Field label="每月次数" value={visits} onInput={setVisits} type="number" placeholder="例如 4" />
        <Field label="套餐价（元）" value={price} onInput={setPrice} type="digit" placeholder="例如 200" />
        {problem && <ErrorBox message={problem} />}
        {create.isError && <ErrorBox message={create.error.message} />}
        <Btn label="新建套餐" disabled={create.isPending} onClick={submit}>
          新建套餐
        </Btn>
      </View>
    </Section>
  );
}
