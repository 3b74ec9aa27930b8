/**
 * 退出服务 (community worker, admin): an elder passed away, moved away or withdrew. Before
 * the one confirm button the page says in words what will happen, from the server's preview
 * (「3 份未到截止的餐将取消，长期订餐停止，助餐卡余额 ¥12.00 退给家属」); afterwards it says
 * what was done. No pop-ups: the confirmation is the button inside the page.
 */
import { useEffect, useState } from 'react';
import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../../api/client';
import { useProfile } from '../../../api/profile';
import { workerApi, type ElderRecord, type Retirement, type RetirementPreview } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import { Btn, Choice, ErrorBox, Field, HomeButton, Loading, Section } from '../../../components/ui';
import { PageTop } from '../../../components/page-top';
import { chinaDate, formatYuan } from '../../../format';
import { qk } from '../../../api/query-keys';

type Reason = Retirement['reason'];
type Payout = Retirement['payoutMethod'];

const REASONS: Record<Reason, string> = {
  deceased: '去世',
  moved_away: '迁出本区',
  withdrawn: '本人或家属申请退出',
};
const PAYOUTS: Record<Payout, string> = { family: '退给家属', cash: '现金退给本人' };

/** What will happen, in one sentence. */
export function previewWords(p: RetirementPreview, payout: Payout): string {
  const parts: string[] = [];
  parts.push(
    p.mealsToCancel > 0
      ? `${p.mealsToCancel} 份未到截止的餐将取消（已用助餐卡付的钱先退回卡上）`
      : '没有未到截止的餐要取消',
  );
  if (p.standingOrdersToEnd > 0)
    parts.push(p.standingOrdersToEnd > 1 ? `${p.standingOrdersToEnd} 个长期订餐停止` : '长期订餐停止');
  if (p.visitsToCancel > 0) parts.push(`${p.visitsToCancel} 次上门服务取消，并通知服务人员`);
  parts.push(
    p.cardBalance > 0
      ? `助餐卡余额 ${formatYuan(p.cardBalance)} ${PAYOUTS[payout]}，卡上余额清零`
      : '助餐卡没有余额',
  );
  parts.push('长者的登录停用，订餐和服务名单中不再出现');
  return `${parts.join('，')}。`;
}

/** What was done, in one sentence. */
function doneWords(e: ElderRecord): string {
  const r = e.retirement;
  if (!r) return `${e.name} 已退出服务。`;
  const parts = [`已办理 ${e.name} 退出服务（${REASONS[r.reason]}，${r.date}）`];
  parts.push(r.mealsCancelled ? `取消了 ${r.mealsCancelled} 份餐` : '没有要取消的餐');
  if (r.standingOrdersEnded) parts.push(`停止了 ${r.standingOrdersEnded} 个长期订餐`);
  if (r.visitsCancelled) parts.push(`取消了 ${r.visitsCancelled} 次上门服务`);
  parts.push(
    r.paidOut
      ? `助餐卡余额 ${formatYuan(r.paidOut)} 已记为${PAYOUTS[r.payoutMethod]}，余额为 0`
      : '助餐卡余额为 0',
  );
  return `${parts.join('，')}。`;
}

/** After: what was done, and the way back to the list. */
function Done({ elder }: { elder: ElderRecord }) {
  return (
    <View>
      <Text className="ok-box">{doneWords(elder)}</Text>
      <Btn onClick={() => void Taro.redirectTo({ url: '/packages/worker/elders/elders' })}>回到长者名册</Btn>
    </View>
  );
}

function RetireForm({ elder, preview }: { elder: ElderRecord; preview: RetirementPreview }) {
  const queryClient = useQueryClient();
  const [reason, setReason] = useState<Reason | ''>('');
  const [date, setDate] = useState(chinaDate(Date.now()));
  const [notes, setNotes] = useState('');
  const [payout, setPayout] = useState<Payout>('family');
  const [problems, setProblems] = useState<Record<string, string>>({});
  const retire = useMutation({
    mutationFn: () =>
      workerApi.retire(elder.id, {
        reason: reason as Reason,
        date,
        ...(notes.trim() ? { notes: notes.trim() } : {}),
        payout: { method: payout },
      }),
    onSuccess: (done) => {
      queryClient.setQueryData(qk('elder', elder.id), done);
      void queryClient.invalidateQueries({ queryKey: qk('elders') });
    },
    onError: (err) => {
      if (err instanceof ApiError && Object.keys(err.fields).length) setProblems(err.fields);
    },
  });

  if (retire.data) return <Done elder={retire.data} />;

  const submit = () => {
    if (retire.isPending) return;
    const p: Record<string, string> = {};
    if (!reason) p.reason = '请选择退出原因';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) p.date = '日期格式为 2026-01-31';
    setProblems(p);
    if (!Object.keys(p).length) retire.mutate();
  };

  return (
    <View>
      <Section title="退出原因">
        {(Object.keys(REASONS) as Reason[]).map((r) => (
          <Choice key={r} wide selected={reason === r} label={REASONS[r]} onClick={() => setReason(r)} />
        ))}
        {problems.reason && <Text className="error-box">{problems.reason}</Text>}
      </Section>
      <Field label="退出日期" value={date} onInput={setDate} placeholder="2026-01-31" error={problems.date} />
      <Field
        label="说明（可不填）"
        value={notes}
        onInput={setNotes}
        placeholder="如：随女儿迁往外地"
        error={problems.notes}
      />
      {preview.cardBalance > 0 && (
        <Section title={`助餐卡余额 ${formatYuan(preview.cardBalance)} 怎么退`}>
          {(Object.keys(PAYOUTS) as Payout[]).map((m) => (
            <Choice key={m} wide selected={payout === m} label={PAYOUTS[m]} onClick={() => setPayout(m)} />
          ))}
        </Section>
      )}
      <Section title="确认前请看清将会发生什么">
        <Text className="card text retire__summary">{previewWords(preview, payout)}</Text>
      </Section>
      {retire.isError && <Text className="error-box">{retire.error.message}</Text>}
      <Btn
        className={retire.isPending ? 'btn--busy' : 'btn--danger'}
        label={`确认退出服务 ${elder.name}`}
        onClick={submit}
      >
        {retire.isPending ? '正在办理…' : '确认退出服务'}
      </Btn>
    </View>
  );
}

export default function RetirePage() {
  const { token, me } = useProfile();
  const role = me.data?.role;
  const [elderId, setElderId] = useState('');
  useEffect(() => setElderId(Taro.getCurrentInstance().router?.params?.elderId ?? ''), []);
  const allowed = Boolean(elderId) && (role === 'worker' || role === 'admin');
  const elder = useQuery({
    queryKey: qk('elder', elderId),
    queryFn: () => workerApi.elder(elderId),
    enabled: allowed,
  });
  const preview = useQuery({
    queryKey: qk('retirement-preview', elderId),
    queryFn: () => workerApi.retirementPreview(elderId),
    enabled: allowed,
  });
  const gate = profileGate({
    title: '退出服务',
    pageClass: 'retire',
    leadClass: 'retire__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: role === 'worker' || role === 'admin' ? null : '只有社区助老员和管理员可以办理退出服务。',
  });
  if (gate) return gate;
  const e = elder.data;
  return (
    <View className="page retire">
      <PageTop />
      <Text className="title">{e ? `退出服务：${e.name}` : '退出服务'}</Text>
      {!elderId && <Text className="error-box">没有指定长者，请从长者名册进入。</Text>}
      {(elder.isPending || preview.isPending) && elderId && <Loading what="长者资料" />}
      {elder.isError && <ErrorBox message={elder.error.message} onRetry={() => elder.refetch()} />}
      {preview.isError && <ErrorBox message={preview.error.message} onRetry={() => preview.refetch()} />}
      {e && e.status && e.status !== 'active' && !preview.isPending ? (
        <Done elder={e} />
      ) : (
        e && preview.data && <RetireForm elder={e} preview={preview.data} />
      )}
      <HomeButton />
    </View>
  );
}
