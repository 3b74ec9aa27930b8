/**
 * 优惠规则 (admin): the district's discount and subsidy rules, and an editor for a new one.
 * Mistakes are shown under the field in words, both the page's own checks and the
 * server's (VALIDATION_FAILED names the fields).
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BENEFIT_LABELS, GROUP_LABELS } from '@yiyangtong/shared/src/labels';
import { ApiError } from '../../../api/client';
import { noRetryOn4xx, useProfile } from '../../../api/profile';
import { adminApi, type Rule, type RuleBody } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import {
  Btn,
  Choice,
  Empty,
  ErrorBox,
  Field,
  Loading,
  Section,
  HomeButton,
  MultiChoice,
} from '../../../components/ui';
import { chinaDate, formatYuan, funderLabel } from '../../../format';
import { PageTop } from '../../../components/page-top';

type BenefitType = RuleBody['benefit']['type'];
type Group = keyof typeof GROUP_LABELS;

function benefitText(r: Pick<Rule, 'benefit'>): string {
  const v = r.benefit.value;
  if (r.benefit.type === 'percent_off') return `减 ${v}%`;
  if (r.benefit.type === 'fixed_price') return `只收 ${formatYuan(v)}`;
  return `减 ${formatYuan(v)}`;
}

function whoText(r: Rule): string {
  const parts: string[] = [];
  if (r.minAge !== undefined && r.maxAge !== undefined) parts.push(`${r.minAge}–${r.maxAge}岁`);
  else if (r.minAge !== undefined) parts.push(`${r.minAge}岁以上`);
  if (r.groups?.length) parts.push(r.groups.map((g) => GROUP_LABELS[g as Group] ?? g).join('、'));
  return parts.join('，') || '所有长者';
}

/** Yuan text → fen, or null when it is not a money amount. */
function yuanToFen(s: string): number | null {
  const m = /^(\d{1,5})(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

function RuleEditor({ onSaved }: { onSaved: (r: Rule) => void }) {
  const [name, setName] = useState('');
  const [minAge, setMinAge] = useState('');
  const [maxAge, setMaxAge] = useState('');
  const [groups, setGroups] = useState<Group[]>([]);
  const [type, setType] = useState<BenefitType>('amount_off');
  const [value, setValue] = useState('');
  const [fundedBy, setFundedBy] = useState<'government' | 'canteen'>('government');
  const [cap, setCap] = useState('1');
  const [priority, setPriority] = useState('0');
  const [validFrom, setValidFrom] = useState(chinaDate(Date.now()));
  const [validTo, setValidTo] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});

  const save = useMutation({
    mutationFn: (body: RuleBody) => adminApi.createRule(body),
    onSuccess: onSaved,
    onError: (err) => {
      if (err instanceof ApiError && Object.keys(err.fields).length) setProblems(err.fields);
    },
  });

  const submit = () => {
    const p: Record<string, string> = {};
    if (!name.trim()) p.name = '请给规则起个名字，例如「80岁以上午餐优惠」';
    const age = (s: string, key: string) => {
      if (!s.trim()) return undefined;
      const n = Number(s);
      if (!Number.isInteger(n) || n < 0 || n > 150) p[key] = '年龄应为 0 到 150 的整数';
      return n;
    };
    const lo = age(minAge, 'minAge');
    const hi = age(maxAge, 'maxAge');
    if (lo !== undefined && hi !== undefined && !p.minAge && !p.maxAge && lo > hi)
      p.maxAge = '最高年龄不能小于最低年龄';
    let v: number | null;
    if (type === 'percent_off') {
      v = Number(value);
      if (!/^\d+$/.test(value.trim()) || v < 1 || v > 100)
        p['benefit.value'] = '减免比例应为 1 到 100 的整数';
    } else {
      v = yuanToFen(value);
      if (v === null) p['benefit.value'] = '请填写金额（元），例如 2 或 2.50';
    }
    const capN = cap.trim() ? Number(cap) : undefined;
    if (capN !== undefined && (!Number.isInteger(capN) || capN < 1 || capN > 3))
      p.perElderPerSlotPerDay = '每人每餐每天限 1 到 3 份';
    const prio = Number(priority || '0');
    if (!Number.isInteger(prio)) p.priority = '优先级应为整数，数字大的先用';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(validFrom)) p.validFrom = '开始日期格式：2026-12-01';
    if (validTo && !/^\d{4}-\d{2}-\d{2}$/.test(validTo)) p.validTo = '结束日期格式：2026-12-31';
    else if (validTo && validTo < validFrom) p.validTo = '结束日期不能早于开始日期';
    setProblems(p);
    if (Object.keys(p).length) return;
    save.mutate({
      name: name.trim(),
      ...(lo !== undefined ? { minAge: lo } : {}),
      ...(hi !== undefined ? { maxAge: hi } : {}),
      ...(groups.length ? { groups } : {}),
      benefit: { type, value: v! },
      fundedBy,
      ...(capN !== undefined ? { perElderPerSlotPerDay: capN } : {}),
      priority: prio,
      validFrom,
      ...(validTo ? { validTo } : {}),
    });
  };

  return (
    <View className="rules__editor">
      <Field label="规则名称" value={name} onInput={setName} error={problems.name} />
      <View className="row">
        <Field
          label="最低年龄"
          type="number"
          value={minAge}
          onInput={setMinAge}
          placeholder="不限"
          error={problems.minAge}
        />
        <Field
          label="最高年龄"
          type="number"
          value={maxAge}
          onInput={setMaxAge}
          placeholder="不限"
          error={problems.maxAge}
        />
      </View>
      <Section title="适用类别（不选＝不限）">
        <MultiChoice options={GROUP_LABELS} value={groups} onChange={setGroups} />
      </Section>
      <Section title="优惠方式">
        {(['amount_off', 'percent_off', 'fixed_price'] as BenefitType[]).map((t) => (
          <Choice key={t} wide selected={t === type} label={BENEFIT_LABELS[t]} onClick={() => setType(t)} />
        ))}
        <Field
          label={
            type === 'percent_off'
              ? '减免比例（%）'
              : type === 'fixed_price'
                ? '固定价格（元）'
                : '减免金额（元）'
          }
          type="digit"
          value={value}
          onInput={setValue}
          error={problems['benefit.value'] ?? problems.benefit}
        />
      </Section>
      <Section title="谁出钱">
        <View className="row">
          {(['government', 'canteen'] as const).map((f) => (
            <Choice key={f} selected={f === fundedBy} label={funderLabel(f)} onClick={() => setFundedBy(f)} />
          ))}
        </View>
      </Section>
      <Field
        label="每人每餐每天限几份"
        type="number"
        value={cap}
        onInput={setCap}
        placeholder="不限"
        error={problems.perElderPerSlotPerDay}
      />
      <Field
        label="优先级（数字大的先用）"
        type="text"
        value={priority}
        onInput={setPriority}
        error={problems.priority}
      />
      <Field
        label="开始日期"
        value={validFrom}
        onInput={setValidFrom}
        placeholder="2026-12-01"
        error={problems.validFrom}
      />
      <Field
        label="结束日期（可不填）"
        value={validTo}
        onInput={setValidTo}
        placeholder="不填＝长期有效"
        error={problems.validTo}
      />
      {Object.keys(problems).length > 0 && (
        <Text className="error-box">有 {Object.keys(problems).length} 处需要修改，见上面红字。</Text>
      )}
      {save.isError && !(save.error instanceof ApiError && Object.keys(save.error.fields).length) && (
        <Text className="error-box">{save.error.message}</Text>
      )}
      <Btn className={save.isPending ? 'btn--busy' : undefined} onClick={() => !save.isPending && submit()}>
        {save.isPending ? '正在保存…' : '保存规则'}
      </Btn>
    </View>
  );
}

export default function RulesPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const isAdmin = me.data?.role === 'admin';
  const rules = useQuery({
    queryKey: ['rules', token],
    queryFn: adminApi.rules,
    enabled: isAdmin,
    retry: noRetryOn4xx,
  });
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<Rule | null>(null);

  const gate = profileGate({
    title: '优惠规则',
    pageClass: 'rules',
    leadClass: 'rules__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: isAdmin ? null : '只有管理员可以设置优惠规则。',
  });
  if (gate) return gate;

  return (
    <View className="page rules">
      <PageTop />
      <Text className="title">优惠规则</Text>
      {saved && <Text className="ok-box">已保存「{saved.name}」。</Text>}
      {editing ? (
        <Section title="新规则">
          <RuleEditor
            onSaved={(r) => {
              setSaved(r);
              setEditing(false);
              void queryClient.invalidateQueries({ queryKey: ['rules'] });
            }}
          />
          <Btn className="btn--secondary" onClick={() => setEditing(false)}>
            不保存，返回列表
          </Btn>
        </Section>
      ) : (
        <Btn
          onClick={() => {
            setSaved(null);
            setEditing(true);
          }}
        >
          新增规则
        </Btn>
      )}
      {!editing && (
        <Section title="现行规则">
          {rules.isPending && <Loading what="规则" />}
          {rules.isError && <ErrorBox message={rules.error.message} onRetry={() => rules.refetch()} />}
          {rules.data?.items.length === 0 && <Empty>还没有优惠规则。</Empty>}
          {rules.data?.items.map((r) => (
            <View key={r.id} className="card rules__rule">
              <Text className="card__title">{r.name}</Text>
              <Text className="text">
                {whoText(r)}：{benefitText(r)}（{funderLabel(r.fundedBy)}）
              </Text>
              <Text className="hint">
                {r.validFrom} 起{r.validTo ? ` 至 ${r.validTo}` : ''}
                {r.perElderPerSlotPerDay ? ` · 每人每餐每天限 ${r.perElderPerSlotPerDay} 份` : ''} · 优先级{' '}
                {r.priority ?? 0}
              </Text>
            </View>
          ))}
        </Section>
      )}
      <HomeButton />
    </View>
  );
}
