/**
 * 优惠规则 (admin): the district's discount and subsidy rules, an editor for a new one or a
 * change (each change is the rule's next version: orders already placed keep theirs), 结束
 * (the rule's last day is today, confirmed inside the page) and 历史版本. Mistakes are shown
 * under the field in words, both the page's own checks and the server's (VALIDATION_FAILED
 * names the fields). Works on a phone and at a desk (1366×768).
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { BENEFIT_LABELS, GROUP_LABELS } from '@yiyangtong/shared/src/labels';
import { ApiError } from '../../../api/client';
import { useProfile } from '../../../api/profile';
import { adminApi, type Rule, type RuleBody, type RuleChange, type RuleVersion } from '../../../api/roles';
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
import { addDays, chinaDate, formatYuan, funderLabel } from '../../../format';
import { PageTop } from '../../../components/page-top';
import './rules.scss';
import { qk } from '../../../api/query-keys';

type BenefitType = RuleBody['benefit']['type'];
type Group = keyof typeof GROUP_LABELS;

function benefitText(r: Partial<Pick<Rule, 'benefit'>>): string {
  if (!r.benefit) return '';
  const v = r.benefit.value;
  if (r.benefit.type === 'percent_off') return `减 ${v}%`;
  if (r.benefit.type === 'fixed_price') return `只收 ${formatYuan(v)}`;
  return `减 ${formatYuan(v)}`;
}

function whoText(r: Partial<RuleBody>): string {
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

const fenText = (fen: number) => (fen % 100 ? (fen / 100).toFixed(2) : String(fen / 100));
const num = (n: number | null | undefined) => (n === undefined || n === null ? '' : String(n));

/** A new rule, or (with `initial`) a change to one: only what differs is sent, with the reason. */
function RuleEditor({ initial, onSaved }: { initial?: Rule; onSaved: (r: Rule) => void }) {
  const [name, setName] = useState(initial?.name ?? '');
  const [minAge, setMinAge] = useState(num(initial?.minAge));
  const [maxAge, setMaxAge] = useState(num(initial?.maxAge));
  const [groups, setGroups] = useState<Group[]>((initial?.groups as Group[] | undefined) ?? []);
  const [type, setType] = useState<BenefitType>(initial?.benefit.type ?? 'amount_off');
  const [value, setValue] = useState(
    initial
      ? initial.benefit.type === 'percent_off'
        ? String(initial.benefit.value)
        : fenText(initial.benefit.value)
      : '',
  );
  const [fundedBy, setFundedBy] = useState<'government' | 'canteen'>(initial?.fundedBy ?? 'government');
  const [cap, setCap] = useState(initial ? num(initial.perElderPerSlotPerDay) : '1');
  const [priority, setPriority] = useState(String(initial?.priority ?? 0));
  const [validFrom, setValidFrom] = useState(initial?.validFrom ?? chinaDate(Date.now()));
  const [validTo, setValidTo] = useState(initial?.validTo ?? '');
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});

  const save = useMutation({
    mutationFn: (body: RuleBody) => {
      if (!initial) return adminApi.createRule(body);
      // A change: what differs from the rule as it is (a cleared limit is sent as null).
      const change: Record<string, unknown> = {};
      const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
      const keys = [
        'name',
        'minAge',
        'maxAge',
        'groups',
        'benefit',
        'fundedBy',
        'perElderPerSlotPerDay',
        'priority',
        'validFrom',
        'validTo',
      ] as const;
      for (const k of keys) {
        const was =
          k === 'priority' ? (initial.priority ?? 0) : (initial as unknown as Record<string, unknown>)[k];
        const now = (body as unknown as Record<string, unknown>)[k];
        if (!same(was, now)) change[k] = now ?? null;
      }
      if (reason.trim()) change.reason = reason.trim();
      return adminApi.changeRule(initial.id, change as RuleChange);
    },
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
      {initial && (
        <Field
          label="修改原因（记入操作记录）"
          value={reason}
          onInput={setReason}
          placeholder="例如：区民政局新标准"
          error={problems.reason}
        />
      )}
      {Object.keys(problems).length > 0 && (
        <Text className="error-box">
          {problems['(body)'] === '请至少修改一项'
            ? '没有改动：改好要改的地方再保存。'
            : `有 ${Object.keys(problems).length} 处需要修改，见上面红字。`}
        </Text>
      )}
      {save.isError && !(save.error instanceof ApiError && Object.keys(save.error.fields).length) && (
        <Text className="error-box">{save.error.message}</Text>
      )}
      <Btn className={save.isPending ? 'btn--busy' : undefined} onClick={() => !save.isPending && submit()}>
        {save.isPending ? '正在保存…' : initial ? '保存修改' : '保存规则'}
      </Btn>
    </View>
  );
}

/** Where a rule stands today, in words (not by colour alone). */
function ruleState(r: Pick<Rule, 'validFrom' | 'validTo'>, today: string): string {
  if (r.validTo && r.validTo < today) return `已结束（最后一天 ${r.validTo}）`;
  if (r.validTo === today) return '已结束：今天是最后一天，明天起不再优惠';
  if (r.validFrom > today) return `未开始（${r.validFrom} 起）`;
  return '生效中';
}

function validityText(r: Partial<RuleBody>): string {
  return `${r.validFrom ?? ''} 起${r.validTo ? ` 至 ${r.validTo}` : '，长期有效'}${
    r.perElderPerSlotPerDay ? ` · 每人每餐每天限 ${r.perElderPerSlotPerDay} 份` : ''
  } · 优先级 ${r.priority ?? 0}`;
}

function Versions({ rule }: { rule: Rule }) {
  const versions = useQuery({
    queryKey: qk('rule-versions', rule.id, rule.version),
    queryFn: () => adminApi.ruleVersions(rule.id),
  });
  if (versions.isPending) return <Loading what="历史版本" />;
  if (versions.isError)
    return <ErrorBox message={versions.error.message} onRetry={() => versions.refetch()} />;
  return (
    <View className="rules__versions">
      {versions.data.items.map((v: RuleVersion) => (
        <View key={v.version} className="rules__version">
          <Text className="text rules__version-title">
            第 {v.version} 版{v.current ? '（现行）' : ''}
            {v.at ? ` · ${chinaDate(v.at)} 起用` : ''}
            {v.replacedAt ? ` · ${chinaDate(v.replacedAt)} 被替换` : ''}
          </Text>
          <Text className="text">
            {v.rule.name}：{whoText(v.rule)}，{benefitText(v.rule)}
            {v.rule.fundedBy ? `（${funderLabel(v.rule.fundedBy)}）` : ''}
          </Text>
          <Text className="hint">{validityText(v.rule)}</Text>
          {v.reason && <Text className="hint">原因：{v.reason}</Text>}
        </View>
      ))}
    </View>
  );
}

function RuleCard({ rule, today, onEdit }: { rule: Rule; today: string; onEdit: () => void }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [history, setHistory] = useState(false);
  const end = useMutation({
    mutationFn: () => adminApi.changeRule(rule.id, { validTo: today, reason: '管理员结束规则' }),
    onSuccess: () => {
      setConfirming(false);
      void queryClient.invalidateQueries({ queryKey: qk('rules') });
    },
  });
  const endable = rule.validFrom <= today && (!rule.validTo || rule.validTo > today);
  return (
    <View className="card rules__rule">
      <Text className="card__title">
        {rule.name}
        {rule.version && rule.version > 1 ? `（第 ${rule.version} 版）` : ''}
      </Text>
      <Text className="text rules__state">{ruleState(rule, today)}</Text>
      <Text className="text">
        {whoText(rule)}：{benefitText(rule)}（{funderLabel(rule.fundedBy)}）
      </Text>
      <Text className="hint">{validityText(rule)}</Text>
      {confirming ? (
        <View className="rules__confirm">
          <Text className="text">
            结束「{rule.name}」：今天（{today}）是最后一天，{addDays(today, 1)} 起的餐不再享受；已下的单不变。
          </Text>
          {end.isError && <Text className="error-box">{end.error.message}</Text>}
          <View className="row">
            <Btn
              className={end.isPending ? 'btn--danger btn--busy' : 'btn--danger'}
              label={`确定结束 ${rule.name}`}
              onClick={() => !end.isPending && end.mutate()}
            >
              {end.isPending ? '正在结束…' : '确定结束'}
            </Btn>
            <Btn
              className="btn--secondary"
              label={`不结束 ${rule.name}`}
              onClick={() => setConfirming(false)}
            >
              不结束
            </Btn>
          </View>
        </View>
      ) : (
        <View className="row rules__actions">
          <Btn className="btn--secondary" label={`编辑 ${rule.name}`} onClick={onEdit}>
            编辑
          </Btn>
          {endable && (
            <Btn className="btn--secondary" label={`结束 ${rule.name}`} onClick={() => setConfirming(true)}>
              结束
            </Btn>
          )}
          <Btn
            className="btn--secondary"
            label={`${history ? '收起' : ''}历史版本 ${rule.name}`}
            pressed={history}
            onClick={() => setHistory(!history)}
          >
            {history ? '收起历史' : '历史版本'}
          </Btn>
        </View>
      )}
      {history && <Versions rule={rule} />}
    </View>
  );
}

export default function RulesPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const isAdmin = me.data?.role === 'admin';
  const rules = useQuery({
    queryKey: qk('rules', token),
    queryFn: adminApi.rules,
    enabled: isAdmin,
  });
  // null: the list; 'new': a new rule; a rule: changing it.
  const [editing, setEditing] = useState<'new' | Rule | null>(null);
  const [saved, setSaved] = useState<Rule | null>(null);
  const today = chinaDate(Date.now());

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
        <Section title={editing === 'new' ? '新规则' : `修改「${editing.name}」`}>
          {editing !== 'new' && (
            <Text className="hint">改动成为规则的新版本，只用于此后下的单；已下的单保持原价。</Text>
          )}
          <RuleEditor
            key={editing === 'new' ? 'new' : editing.id}
            initial={editing === 'new' ? undefined : editing}
            onSaved={(r) => {
              setSaved(r);
              setEditing(null);
              void queryClient.invalidateQueries({ queryKey: qk('rules') });
            }}
          />
          <Btn className="btn--secondary" onClick={() => setEditing(null)}>
            不保存，返回列表
          </Btn>
        </Section>
      ) : (
        <Btn
          onClick={() => {
            setSaved(null);
            setEditing('new');
          }}
        >
          新增规则
        </Btn>
      )}
      {!editing && (
        <Section title="全部规则">
          {rules.isPending && <Loading what="规则" />}
          {rules.isError && <ErrorBox message={rules.error.message} onRetry={() => rules.refetch()} />}
          {rules.data?.items.length === 0 && <Empty>还没有优惠规则。</Empty>}
          {rules.data?.items.map((r) => (
            <RuleCard
              key={r.id}
              rule={r}
              today={today}
              onEdit={() => {
                setSaved(null);
                setEditing(r);
              }}
            />
          ))}
        </Section>
      )}
      <HomeButton />
    </View>
  );
}
