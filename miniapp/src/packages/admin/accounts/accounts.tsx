/**
 * 账号管理 (admin): find an account by role and name or phone digits; disable one (someone who
 * left: their login stops at once) or enable it again; reset a password told in person.
 * Each step asks once inside the page (no pop-ups) and says what happened in words.
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProfile } from '../../../api/profile';
import { officeApi, type Account } from '../../../api/office';
import { profileGate } from '../../../components/profile-gate';
import { Btn, Choice, Empty, ErrorBox, Field, HomeButton, Loading, Section } from '../../../components/ui';
import { PageTop } from '../../../components/page-top';
import { ROLE_LABELS, type Role } from '../../../roles';
import { qk } from '../../../api/query-keys';

const ROLE_CHOICES: (Role | '')[] = ['', 'worker', 'canteen_staff', 'provider', 'family', 'elder', 'admin'];

type Step = { kind: 'disable' | 'reset'; id: string } | null;

function AccountRow(props: { account: Account; step: Step; setStep: (s: Step) => void; selfId?: string }) {
  const { account: a, step, setStep, selfId } = props;
  const qc = useQueryClient();
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState('');
  const toggle = useMutation({
    mutationFn: (disabled: boolean) => officeApi.setDisabled(a.id, disabled, reason.trim() || undefined),
    onSuccess: (u) => {
      setDone(u.disabled ? `已停用 ${u.name}：他的登录已失效` : `已启用 ${u.name}：可以重新登录`);
      setStep(null);
      setReason('');
      void qc.invalidateQueries({ queryKey: qk('accounts') });
    },
  });
  const reset = useMutation({
    mutationFn: () => officeApi.resetPassword(a.id, password),
    onSuccess: () => {
      setDone(`已为 ${a.name} 重置密码，请当面告诉本人新密码`);
      setStep(null);
      setPassword('');
    },
  });
  const asking = step?.id === a.id ? step.kind : null;
  const error = (toggle.error ?? reset.error)?.message;
  return (
    <View className="card account">
      <View className="row account__head">
        <Text className="account__name">{a.name}</Text>
        <Text className="account__role">{ROLE_LABELS[a.role]}</Text>
        <Text className={a.disabled ? 'account__state account__state--off' : 'account__state'}>
          {a.disabled ? '已停用' : '正常'}
        </Text>
      </View>
      {a.phone && <Text className="text">手机 {a.phone}</Text>}
      {done && <Text className="ok-box">{done}</Text>}
      {error && <Text className="error-box">{error}</Text>}
      {asking === 'disable' && (
        <View className="account__confirm">
          <Text className="text">停用后 {a.name} 的登录立即失效，不能再登录。确认停用吗？</Text>
          <Field
            label="停用原因（可不填）"
            value={reason}
            onInput={setReason}
            placeholder="例如：已离职"
            maxlength={200}
          />
          <View className="row">
            <Btn onClick={() => toggle.mutate(true)} disabled={toggle.isPending}>
              {toggle.isPending ? '正在停用…' : `确认停用 ${a.name}`}
            </Btn>
            <Btn className="btn--secondary" onClick={() => setStep(null)}>
              不停用了
            </Btn>
          </View>
        </View>
      )}
      {asking === 'reset' && (
        <View className="account__confirm">
          <Field label="新密码（6 位以上）" value={password} onInput={setPassword} maxlength={128} />
          <View className="row">
            <Btn onClick={() => reset.mutate()} disabled={reset.isPending || password.length < 6}>
              {reset.isPending ? '正在重置…' : `确认重置 ${a.name} 的密码`}
            </Btn>
            <Btn className="btn--secondary" onClick={() => setStep(null)}>
              不重置了
            </Btn>
          </View>
        </View>
      )}
      {!asking && (
        <View className="row">
          {a.disabled ? (
            <Btn className="btn--secondary" label={`启用 ${a.name}`} onClick={() => toggle.mutate(false)}>
              {toggle.isPending ? '正在启用…' : '启用'}
            </Btn>
          ) : (
            a.id !== selfId && (
              <Btn
                className="btn--secondary"
                label={`停用 ${a.name}`}
                onClick={() => {
                  setDone('');
                  setStep({ kind: 'disable', id: a.id });
                }}
              >
                停用
              </Btn>
            )
          )}
          {a.phone && (
            <Btn
              className="btn--secondary"
              label={`重置密码 ${a.name}`}
              onClick={() => {
                setDone('');
                setStep({ kind: 'reset', id: a.id });
              }}
            >
              重置密码
            </Btn>
          )}
        </View>
      )}
    </View>
  );
}

export default function AccountsPage() {
  const { token, me } = useProfile();
  const [role, setRole] = useState<Role | ''>('');
  const [words, setWords] = useState('');
  const [q, setQ] = useState('');
  const [step, setStep] = useState<Step>(null);
  const list = useQuery({
    queryKey: qk('accounts', role, q),
    queryFn: () => officeApi.accounts(role, q),
    enabled: me.data?.role === 'admin',
  });
  const gate = profileGate({
    title: '账号管理',
    pageClass: 'accounts',
    leadClass: 'accounts__lead',
    signInLead: '请先用管理员账号登录。',
    token,
    me,
    notForYou: me.data?.role === 'admin' ? null : '只有管理员可以管理账号。',
  });
  if (gate) return gate;
  return (
    <View className="page accounts">
      <PageTop />
      <Text className="title">账号管理</Text>
      <Section title="角色">
        <View className="row">
          {ROLE_CHOICES.map((r) => (
            <Choice
              key={r || 'all'}
              selected={r === role}
              label={r ? ROLE_LABELS[r] : '全部'}
              onClick={() => setRole(r)}
            />
          ))}
        </View>
      </Section>
      <Section title="查找">
        <Field
          label="姓名或手机号"
          value={words}
          onInput={setWords}
          placeholder="姓名，或手机号里的几位数字"
          maxlength={40}
          onConfirm={() => setQ(words.trim())}
        />
        <Btn onClick={() => setQ(words.trim())}>查找</Btn>
      </Section>
      <Section title="账号">
        {list.isPending && <Loading what="账号" />}
        {list.isError && <ErrorBox message={list.error.message} onRetry={() => list.refetch()} />}
        {list.data && !list.data.items.length && <Empty>没有找到账号</Empty>}
        {list.data?.items.map((a) => (
          <AccountRow key={a.id} account={a} step={step} setStep={setStep} selfId={me.data?.id} />
        ))}
        {list.data?.truncated && <Text className="hint">只显示前 200 个，请用角色或姓名缩小范围。</Text>}
      </Section>
      <HomeButton />
    </View>
  );
}
