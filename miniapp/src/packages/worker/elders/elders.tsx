/**
 * 长者名册 (community worker): find an elder of the community by name or the last digits
 * of the phone; for each one, book a meal on their behalf, give them a login, or make an
 * invite code for a family member, or assess their capability (需复评 when none is on record
 * or the latest is a year old). Everything inline, no pop-ups.
 */
import { useState } from 'react';
import Taro from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProfile } from '../../../api/profile';
import { workerApi, type ElderRecord } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import { Btn, Choice, Empty, ErrorBox, Field, Loading, Section, HomeButton } from '../../../components/ui';
import { CARE_LEVEL_LABELS, GROUP_LABELS } from '@yiyangtong/shared/src/labels';
import './elders.scss';
import { PageTop } from '../../../components/page-top';
import { qk } from '../../../api/query-keys';

function LoginForm({ elder }: { elder: ElderRecord }) {
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState('');
  const give = useMutation({ mutationFn: () => workerApi.giveLogin(elder.id, { phone, password }) });
  if (give.isSuccess)
    return (
      <Text className="ok-box">
        已为 {elder.name} 开通登录：手机号 {phone}，请把密码当面告诉长者。
      </Text>
    );
  return (
    <View className="elders__form">
      <Field label="登录手机号" type="number" maxlength={11} value={phone} onInput={setPhone} />
      <Field label="初始密码" value={password} onInput={setPassword} hint="至少6位" />
      {(problem || give.isError) && <Text className="error-box">{problem || give.error?.message}</Text>}
      <Btn
        label={`确认开通 ${elder.name}`}
        onClick={() => {
          if (!/^1\d{10}$/.test(phone)) return setProblem('手机号应为11位，以1开头');
          if (password.length < 6) return setProblem('密码至少6位');
          setProblem('');
          give.mutate();
        }}
      >
        确认开通
      </Btn>
    </View>
  );
}

function InviteCode({ elder }: { elder: ElderRecord }) {
  const invite = useMutation({ mutationFn: () => workerApi.invite(elder.id) });
  if (invite.data)
    return (
      <View className="card elders__invite">
        <Text className="text">请把邀请码告诉 {elder.name} 的家属（7天内有效）：</Text>
        <Text className="elders__code pickup-code">{invite.data.code}</Text>
      </View>
    );
  return (
    <View>
      {invite.isError && <Text className="error-box">{invite.error.message}</Text>}
      <Btn
        className="btn--secondary"
        label={`生成家属邀请码 ${elder.name}`}
        onClick={() => !invite.isPending && invite.mutate()}
      >
        生成家属邀请码
      </Btn>
    </View>
  );
}

const REASON_WORDS: Record<string, string> = {
  deceased: '去世',
  moved_away: '迁出本区',
  withdrawn: '申请退出',
};

/** Admin: move the elder to another community (chosen in the page, then one confirm button). */
function TransferForm({ elder }: { elder: ElderRecord }) {
  const queryClient = useQueryClient();
  const [to, setTo] = useState('');
  const communities = useQuery({ queryKey: qk('communities'), queryFn: () => workerApi.communities() });
  const move = useMutation({
    mutationFn: () => workerApi.transfer(elder.id, to),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: qk('elders'), refetchType: 'none' }),
  });
  const target = communities.data?.items.find((c) => c.id === to);
  if (move.isSuccess)
    return (
      <Text className="ok-box">
        已把 {elder.name} 转到 {target?.name ?? '新社区'}，由那里的助老员服务。
      </Text>
    );
  const others = (communities.data?.items ?? []).filter((c) => c.id !== elder.communityId);
  return (
    <View className="elders__form">
      <Text className="text">转到哪个社区：</Text>
      {communities.isPending && <Loading what="社区" />}
      {others.map((c) => (
        <Choice key={c.id} wide selected={to === c.id} label={c.name} onClick={() => setTo(c.id)} />
      ))}
      {move.isError && <Text className="error-box">{move.error.message}</Text>}
      {target && (
        <Btn label={`确认转到 ${target.name} ${elder.name}`} onClick={() => !move.isPending && move.mutate()}>
          {`确认转到 ${target.name}`}
        </Btn>
      )}
    </View>
  );
}

/** Admin, on a retired elder's card: 恢复 (retired by mistake). */
function Reinstate({ elder }: { elder: ElderRecord }) {
  const queryClient = useQueryClient();
  const back = useMutation({
    mutationFn: () => workerApi.reinstate(elder.id),
    // Marked stale, not re-read now: the card stays to say what was done (the list changes next time).
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: qk('elders'), refetchType: 'none' }),
  });
  if (back.isSuccess)
    return <Text className="ok-box">已恢复 {elder.name}：重新在册，登录恢复（已取消的餐不会恢复）。</Text>;
  return (
    <View>
      {back.isError && <Text className="error-box">{back.error.message}</Text>}
      <Btn label={`恢复在册 ${elder.name}`} onClick={() => !back.isPending && back.mutate()}>
        {back.isPending ? '正在恢复…' : '恢复在册'}
      </Btn>
    </View>
  );
}

function RetiredCard({ elder, admin }: { elder: ElderRecord; admin: boolean }) {
  const r = elder.retirement;
  return (
    <View className="card elders__card">
      <Text className="card__title">{elder.name}</Text>
      <Text className="text">
        {r ? `已退出服务：${REASON_WORDS[r.reason] ?? r.reason}，${r.date}` : '正在办理退出服务'}
      </Text>
      {r?.notes && <Text className="hint">{r.notes}</Text>}
      {admin && elder.status === 'retired' && <Reinstate elder={elder} />}
    </View>
  );
}

function ElderCard({ elder, admin }: { elder: ElderRecord; admin: boolean }) {
  const [open, setOpen] = useState<'' | 'login' | 'transfer'>('');
  const groups = (elder.groups ?? []).map((g) => (GROUP_LABELS as Record<string, string>)[g] ?? g);
  return (
    <View className="card elders__card">
      <Text className="card__title">{elder.name}</Text>
      <Text className="text">
        {elder.phone ? `电话 ${elder.phone}` : '没有登记电话'}
        {groups.length ? ` · ${groups.join('、')}` : ''}
      </Text>
      {elder.address && <Text className="hint">{elder.address}</Text>}
      <Text className="text">
        {elder.careLevel ? `${CARE_LEVEL_LABELS[elder.careLevel] ?? elder.careLevel}` : '未评估'}
        {elder.lastAssessedAt ? ` · 上次评估 ${elder.lastAssessedAt}` : ''}
        {elder.reassessmentDue && <Text className="elders__due">需复评</Text>}
      </Text>
      <Btn
        className={elder.reassessmentDue ? undefined : 'btn--secondary'}
        label={`能力评估 ${elder.name}${elder.reassessmentDue ? ' 需复评' : ''}`}
        onClick={() => void Taro.navigateTo({ url: `/packages/worker/assess/assess?elderId=${elder.id}` })}
      >
        能力评估
      </Btn>
      <Btn
        label={`代订餐 ${elder.name}`}
        onClick={() => void Taro.navigateTo({ url: `/pages/meal-booking/meal-booking?elderId=${elder.id}` })}
      >
        代订餐
      </Btn>
      <Btn
        className="btn--secondary"
        label={`长期订餐 ${elder.name}`}
        onClick={() =>
          void Taro.navigateTo({ url: `/packages/worker/standing/standing?elderId=${elder.id}` })
        }
      >
        长期订餐
      </Btn>
      <Btn
        className="btn--secondary"
        label={`助餐卡充值 ${elder.name}`}
        onClick={() => void Taro.navigateTo({ url: `/pages/meal-card/meal-card?elderId=${elder.id}` })}
      >
        助餐卡充值
      </Btn>
      <Btn
        className="btn--secondary"
        label={`服务套餐 ${elder.name}`}
        onClick={() =>
          void Taro.navigateTo({ url: `/packages/worker/packages/packages?elderId=${elder.id}` })
        }
      >
        服务套餐
      </Btn>
      <Btn
        className="btn--secondary"
        label={`修改资料 ${elder.name}`}
        onClick={() =>
          void Taro.navigateTo({ url: `/packages/worker/elder-edit/elder-edit?elderId=${elder.id}` })
        }
      >
        修改资料
      </Btn>
      <Btn
        className="btn--secondary"
        label={`退出服务 ${elder.name}`}
        onClick={() => void Taro.navigateTo({ url: `/packages/worker/retire/retire?elderId=${elder.id}` })}
      >
        退出服务
      </Btn>
      {admin &&
        (open === 'transfer' ? (
          <TransferForm elder={elder} />
        ) : (
          <Btn className="btn--secondary" label={`转社区 ${elder.name}`} onClick={() => setOpen('transfer')}>
            转社区
          </Btn>
        ))}
      {elder.userId || elder.hasAccount ? (
        <Text className="hint">已开通登录</Text>
      ) : open === 'login' ? (
        <LoginForm elder={elder} />
      ) : (
        <Btn className="btn--secondary" label={`开通登录 ${elder.name}`} onClick={() => setOpen('login')}>
          开通登录
        </Btn>
      )}
      <InviteCode elder={elder} />
    </View>
  );
}

export default function EldersPage() {
  const { token, me } = useProfile();
  const role = me.data?.role;
  const [q, setQ] = useState('');
  const [sent, setSent] = useState('');
  const [retired, setRetired] = useState(false);
  const list = useQuery({
    queryKey: qk('elders', token, sent, retired),
    queryFn: () => (retired ? workerApi.retired() : workerApi.search(sent)),
    enabled: role === 'worker' || role === 'admin',
  });

  const gate = profileGate({
    title: '长者名册',
    pageClass: 'elders',
    leadClass: 'elders__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: role === 'worker' || role === 'admin' ? null : '只有社区助老员可以查看长者名册。',
  });
  if (gate) return gate;

  return (
    <View className="page elders">
      <PageTop />
      <Text className="title">长者名册</Text>
      <Field
        label="查找长者"
        value={q}
        onInput={setQ}
        placeholder="姓名或手机尾号（4位以上）"
        onConfirm={() => setSent(q.trim())}
      />
      <View className="row">
        <Btn onClick={() => setSent(q.trim())}>查找</Btn>
        <Btn
          className="btn--secondary"
          onClick={() => void Taro.navigateTo({ url: '/packages/worker/register/register' })}
        >
          登记新长者
        </Btn>
        <Btn className="btn--secondary" pressed={retired} onClick={() => setRetired(!retired)}>
          {retired ? '看在册长者' : '看已退出的长者'}
        </Btn>
      </View>
      <Section title={retired ? '已退出服务的长者' : sent ? `「${sent}」的查找结果` : '本社区的长者'}>
        {list.isPending && <Loading what="长者名单" />}
        {list.isError && <ErrorBox message={list.error.message} onRetry={() => list.refetch()} />}
        {list.data?.items.length === 0 && <Empty>没有找到长者。可以换个名字或手机尾号再找。</Empty>}
        {list.data?.items.map((e) =>
          retired ? (
            <RetiredCard key={e.id} elder={e} admin={role === 'admin'} />
          ) : (
            <ElderCard key={e.id} elder={e} admin={role === 'admin'} />
          ),
        )}
      </Section>
      <HomeButton />
    </View>
  );
}
