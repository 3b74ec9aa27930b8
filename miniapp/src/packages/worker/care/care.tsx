/**
 * 主动关怀: the worker's calls of the day. Yesterday's calls not made come first, then today's
 * due ones — name, the whole phone and a 拨打电话 button — with three big answers: 平安 /
 * 身体不适 / 未接通 (and a note). 身体不适, or a second 未接通 in a row, sends an alarm to the
 * desk and tells the family. Below: elders suggested for the plan (独居, 中重度失能), added
 * with the days to call.
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  careApi,
  OUTCOME_WORDS,
  type CareCallItem,
  type CareOutcome,
  type CarePlan,
  type CareSuggestion,
} from '../../../api/care';
import { useProfile } from '../../../api/profile';
import { addDays, chinaTime } from '../../../format';
import { goHome, profileGate } from '../../../components/profile-gate';
import { PageTop } from '../../../components/page-top';
import { CallLink } from '../../../components/tap';
import { Btn, Choice, Field } from '../../../components/ui';
import { plainError } from '../../../api/client';
import '../../../components/care.scss';
import './care.scss';
import { qk } from '../../../api/query-keys';

const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const daysText = (days: number[]) =>
  days.length === 7
    ? '每天'
    : [...days]
        .sort((a, b) => a - b)
        .map((d) => WEEKDAYS[d - 1])
        .join('、');

const ANSWERS: { outcome: CareOutcome; className: string }[] = [
  { outcome: 'well', className: 'carecall__well' },
  { outcome: 'unwell', className: 'btn--danger' },
  { outcome: 'no_answer', className: 'btn--secondary' },
];

/** The three answers and a note; after a call, what it did (an alarm sent, the family told). */
function Answer({ item, again }: { item: CareCallItem; again?: boolean }) {
  const qc = useQueryClient();
  const [notes, setNotes] = useState('');
  const record = useMutation({
    mutationFn: (outcome: CareOutcome) =>
      careApi.record({ elderId: item.elderId, outcome, ...(notes.trim() ? { notes: notes.trim() } : {}) }),
    onSuccess: () => {
      setNotes('');
      void qc.invalidateQueries({ queryKey: qk('care-calls') });
    },
  });
  const done = record.data;
  return (
    <View className="carecall__answer">
      {done && (
        <Text className={done.escalated ? 'care__warn' : 'care__ok'} {...{ role: 'status' }}>
          {done.escalated
            ? `已记录：${OUTCOME_WORDS[done.outcome]}。已发出紧急提醒，社区工作台和家属都已收到通知`
            : `已记录：${OUTCOME_WORDS[done.outcome]}`}
        </Text>
      )}
      {again && <Text className="text">再打一次后，记录这次的结果：</Text>}
      <Field label={`备注（${item.elderName}，可不填）`} value={notes} onInput={setNotes} maxlength={500} />
      <View className="carecall__answers">
        {ANSWERS.map(({ outcome, className }) => (
          <Btn
            key={outcome}
            className={`carecall__btn ${className}`}
            label={`${OUTCOME_WORDS[outcome]}：${item.elderName}`}
            disabled={record.isPending}
            onClick={() => record.mutate(outcome)}
          >
            {OUTCOME_WORDS[outcome]}
          </Btn>
        ))}
      </View>
      {record.isError && <Text className="error-box">{plainError(record.error)}</Text>}
    </View>
  );
}

function Phone({ item }: { item: CareCallItem }) {
  if (!item.phone) return <Text className="care__warn">没有登记电话，请上门看望</Text>;
  return (
    <View>
      <Text className="carecall__phone">电话：{item.phone}</Text>
      <CallLink name={item.elderName} phone={item.phone} label={`拨打电话 ${item.elderName} ${item.phone}`} />
    </View>
  );
}

function CallCard({ item, today }: { item: CareCallItem; today?: CareCallItem }) {
  const missed = item.status === 'missed';
  const calledToday = missed && today?.status === 'done' ? today : undefined;
  return (
    <View
      className={missed ? 'care__card care__card--alert' : 'care__card'}
      aria-label={`${item.elderName}的关怀电话`}
    >
      <Text className="care__strong">{item.elderName}</Text>
      {missed && (
        <Text className="care__warn">昨天没有打{today?.status === 'due' ? '，今天也要打' : ''}</Text>
      )}
      {item.planNotes && <Text className="text">关怀备注：{item.planNotes}</Text>}
      {item.lastOutcome === 'no_answer' && !missed && (
        <Text className="care__warn">上次未接通，这次再未接通将发出紧急提醒</Text>
      )}
      {item.status === 'done' && (
        <View>
          <Text className={item.outcome === 'well' ? 'care__ok' : 'care__warn'}>
            {OUTCOME_WORDS[item.outcome!]} · {chinaTime(item.calledAt!)} {item.calledBy ?? ''}
          </Text>
          {item.notes && <Text className="text">备注：{item.notes}</Text>}
          {item.escalated ? (
            <Text className="care__warn">已转紧急提醒，请看社区工作台</Text>
          ) : (
            item.outcome === 'no_answer' && (
              <Text className="care__warn">请稍后再打；再未接通将发出紧急提醒</Text>
            )
          )}
        </View>
      )}
      {calledToday ? (
        <Text className="care__ok">今天已联系：{OUTCOME_WORDS[calledToday.outcome!]}</Text>
      ) : (
        (item.status !== 'done' || item.outcome === 'no_answer') && (
          <View>
            <Phone item={item} />
            <Answer item={item} again={item.status === 'done'} />
          </View>
        )
      )}
    </View>
  );
}

/** A suggested elder: the days to call (每天 or chosen weekdays), then 加入. */
function AddToPlan({ s }: { s: CareSuggestion }) {
  const qc = useQueryClient();
  const [days, setDays] = useState<number[]>([1, 2, 3, 4, 5, 6, 7]);
  const add = useMutation({
    mutationFn: () => careApi.savePlan({ elderId: s.elderId, weekdays: days }),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: qk('care-plans') });
      void qc.invalidateQueries({ queryKey: qk('care-calls') });
    },
  });
  const toggle = (d: number) =>
    setDays(days.includes(d) ? days.filter((x) => x !== d) : [...days, d].sort((a, b) => a - b));
  return (
    <View className="care__card" aria-label={`建议加入：${s.elderName}`}>
      <Text className="care__strong">
        {s.elderName}（{s.reasons.join('、')}）
      </Text>
      <Text className="text">哪几天打电话：{days.length ? daysText(days) : '请至少选一天'}</Text>
      <View className="carecall__days">
        <Choice
          selected={days.length === 7}
          label="每天"
          onClick={() => setDays(days.length === 7 ? [] : [1, 2, 3, 4, 5, 6, 7])}
        />
        {WEEKDAYS.map((w, i) => (
          <Choice key={w} selected={days.includes(i + 1)} label={w} onClick={() => toggle(i + 1)} />
        ))}
      </View>
      {add.isError && <Text className="error-box">{plainError(add.error)}</Text>}
      <Btn
        label={`加入关怀计划：${s.elderName}`}
        disabled={!days.length || add.isPending}
        onClick={() => add.mutate()}
      >
        加入关怀计划
      </Btn>
    </View>
  );
}

/** A plan: its days, and 结束关怀 with one in-page confirmation. */
function PlanRow({ p }: { p: CarePlan }) {
  const qc = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const end = useMutation({
    mutationFn: () => careApi.endPlan(p.elderId),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: qk('care-plans') });
      void qc.invalidateQueries({ queryKey: qk('care-calls') });
    },
  });
  return (
    <View className="care__card">
      <Text className="care__strong">{p.elderName ?? ''}</Text>
      <Text className="text">
        {daysText(p.weekdays)}打电话{p.notes ? ` · ${p.notes}` : ''}
      </Text>
      {end.isError && <Text className="error-box">{plainError(end.error)}</Text>}
      {confirming ? (
        <View>
          <Text className="care__warn">从今天起不再给{p.elderName}打关怀电话？</Text>
          <Btn
            className="btn--danger"
            label={`确认结束关怀：${p.elderName ?? ''}`}
            onClick={() => end.mutate()}
          >
            确认结束
          </Btn>
          <Btn className="btn--secondary" onClick={() => setConfirming(false)}>
            不结束
          </Btn>
        </View>
      ) : (
        <Btn
          className="btn--secondary"
          label={`结束关怀：${p.elderName ?? ''}`}
          onClick={() => setConfirming(true)}
        >
          结束关怀
        </Btn>
      )}
    </View>
  );
}

export default function CareCallsPage() {
  const { token, me } = useProfile();
  const ready = me.data?.role === 'worker';
  const [showPlans, setShowPlans] = useState(false);
  const today = useQuery({
    queryKey: qk('care-calls', 'today'),
    queryFn: () => careApi.calls(),
    enabled: ready,
    refetchInterval: 15000,
  });
  const date = today.data?.date ?? '';
  const yesterday = useQuery({
    queryKey: qk('care-calls', 'yesterday', date),
    queryFn: () => careApi.calls(addDays(date, -1)),
    enabled: ready && !!date,
  });
  const plans = useQuery({ queryKey: qk('care-plans'), queryFn: careApi.plans, enabled: ready });
  const gate = profileGate({
    title: '主动关怀',
    pageClass: 'carecall',
    leadClass: 'carecall__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: me.data && !ready ? '这个页面供社区助老员使用。' : null,
  });
  if (gate) return gate;
  const items = today.data?.items ?? [];
  const byElder = new Map(items.map((i) => [i.elderId, i]));
  const missed = (yesterday.data?.items ?? []).filter((i) => i.status === 'missed');
  // An elder missed yesterday and due today is called once, from the card on top.
  const missedIds = new Set(missed.map((i) => i.elderId));
  const dueAll = items.filter((i) => i.status === 'due');
  const due = dueAll.filter((i) => !missedIds.has(i.elderId));
  const done = items.filter((i) => i.status === 'done');
  const suggestions = plans.data?.suggestions ?? [];
  return (
    <View className="page carecall">
      <PageTop />
      <Text className="title">主动关怀</Text>
      {today.isError && <Text className="error-box">{plainError(today.error)}</Text>}
      {today.isPending && <Text className="text">正在加载…</Text>}
      {today.data && (
        <Text className="text carecall__lead">
          今天应打 {dueAll.length + done.length} 个，已打 {done.length} 个，还剩 {dueAll.length} 个
        </Text>
      )}
      {missed.length > 0 && (
        <View className="care__section">
          <Text className="care__heading">昨天漏打（{missed.length}）</Text>
          {missed.map((i) => (
            <CallCard key={`y-${i.elderId}`} item={i} today={byElder.get(i.elderId)} />
          ))}
        </View>
      )}
      <View className="care__section">
        <Text className="care__heading">今天待打（{due.length}）</Text>
        {today.data && due.length === 0 && <Text className="hint">今天的关怀电话都打完了。</Text>}
        {due.map((i) => (
          <CallCard key={i.elderId} item={i} />
        ))}
      </View>
      {done.length > 0 && (
        <View className="care__section">
          <Text className="care__heading">今天已打（{done.length}）</Text>
          {done.map((i) => (
            <CallCard key={i.elderId} item={i} />
          ))}
        </View>
      )}
      <View className="care__section">
        <Text className="care__heading">建议加入关怀（{suggestions.length}）</Text>
        {plans.data && suggestions.length === 0 && (
          <Text className="hint">独居和中重度失能的长者都已加入。在长者资料里可以标记“独居”。</Text>
        )}
        {suggestions.map((s) => (
          <AddToPlan key={s.elderId} s={s} />
        ))}
      </View>
      <Btn className="btn--secondary" onClick={() => setShowPlans(!showPlans)}>
        {showPlans ? '收起关怀名单' : `关怀名单（${plans.data?.items.length ?? 0} 人）`}
      </Btn>
      {showPlans && (plans.data?.items ?? []).map((p) => <PlanRow key={p.id} p={p} />)}
      <Btn className="btn--secondary" onClick={goHome}>
        返回首页
      </Btn>
    </View>
  );
}
