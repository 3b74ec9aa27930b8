/**
 * 助餐卡: an elder's card for the elder, their family and their worker — the balance, every
 * entry with what it was, who did it and when, and topping up: family by WeChat Pay where
 * it can work (inside WeChat), staff by cash at the office (recorded with who took it).
 * Everything inline, no pop-ups. Opened with ?elderId= (the elder's own card without).
 * Cash: the amount is confirmed in the page before it is recorded, and the worker who took it
 * can undo a mistake for 10 minutes (撤销: a new entry of the opposite amount).
 */
import { useEffect, useRef, useState } from 'react';
import { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  canPayByWechat,
  canUndoCash,
  cardApi,
  CASH_UNDO_MINUTES,
  entryWords,
  payByWechat,
  type CardEntry,
} from '../../api/cards';
import { plainError } from '../../api/client';
import { mealApi, newIdempotencyKey } from '../../api/meals';
import { cls, useProfile } from '../../api/profile';
import { profileGate } from '../../components/profile-gate';
import { Btn, Choice, Empty, ErrorBox, Field, HomeButton, Loading, Section } from '../../components/ui';
import { chinaTime, dateLabel, chinaDate, formatYuan } from '../../format';
import { roleLabel } from '../../roles';
import './meal-card.scss';
import { PageTop } from '../../components/page-top';
import { qk } from '../../api/query-keys';

const FAMILY_AMOUNTS = [5000, 10000, 20000];

function whoText(e: CardEntry, myId?: string): string {
  if (e.by.userId === myId) return '我';
  return `${roleLabel(e.by.role)}${e.by.name ? ` ${e.by.name}` : ''}`;
}

function EntryRow({ e, myId, onUndo }: { e: CardEntry; myId?: string; onUndo?: (e: CardEntry) => void }) {
  const incoming = e.amount > 0;
  return (
    <View className="mealcard__entry">
      <View className="mealcard__entry-words">
        <Text className="text">
          {entryWords(e)}
          {e.reversed ? '（已撤销）' : ''}
        </Text>
        <Text className="hint">
          {dateLabel(chinaDate(e.at))} {chinaTime(e.at)} · {whoText(e, myId)}
          {e.kind === 'topup' && e.method === 'cash' ? ' 经手' : ''}
        </Text>
        {onUndo && canUndoCash(e, myId) && (
          <Btn
            className="btn--secondary mealcard__undo"
            label={`撤销这笔现金充值 ${formatYuan(e.amount)}`}
            onClick={() => onUndo(e)}
          >
            撤销
          </Btn>
        )}
      </View>
      <Text
        className={
          incoming ? 'mealcard__amount mealcard__amount--in' : 'mealcard__amount mealcard__amount--out'
        }
      >
        {incoming ? '+' : '−'}
        {formatYuan(Math.abs(e.amount))}
      </Text>
    </View>
  );
}

/** 家属: 微信充值 where WeChat Pay works; elsewhere how to top up in person. */
function WechatTopup({ elderId, onDone }: { elderId: string; onDone: () => void }) {
  const [amount, setAmount] = useState(FAMILY_AMOUNTS[1]);
  const key = useRef(newIdempotencyKey());
  const [paid, setPaid] = useState(0);
  const pay = useMutation({
    mutationFn: async (fen: number) => {
      const { prepay } = await cardApi.topupWechat(elderId, fen, key.current);
      await payByWechat(prepay);
      return fen;
    },
    onSuccess: (fen) => {
      key.current = newIdempotencyKey();
      setPaid(fen);
      onDone();
    },
    onError: () => {
      key.current = newIdempotencyKey();
    },
  });
  if (!canPayByWechat())
    return (
      <View className="card">
        <Text className="text">
          这里不能用微信支付。请在微信里打开颐养通充值，或到社区服务站交现金，由工作人员充到卡上。
        </Text>
      </View>
    );
  return (
    <View>
      {paid > 0 && <Text className="ok-box">已支付 {formatYuan(paid)}，到账后余额会更新。</Text>}
      <View className="mealcard__amounts">
        {FAMILY_AMOUNTS.map((fen) => (
          <Choice
            key={fen}
            selected={fen === amount}
            label={formatYuan(fen)}
            onClick={() => setAmount(fen)}
          />
        ))}
      </View>
      {pay.isError && <Text className="error-box">{pay.error.message}</Text>}
      <Btn
        className={pay.isPending ? 'btn--busy' : undefined}
        onClick={() => !pay.isPending && pay.mutate(amount)}
      >
        {pay.isPending ? '正在支付…' : `微信支付充值 ${formatYuan(amount)}`}
      </Btn>
    </View>
  );
}

/** 助老员/管理员: cash taken at the office; the entry records who took it. */
function CashTopup({
  elderId,
  elderName,
  takerName,
  onDone,
}: {
  elderId: string;
  elderName: string;
  takerName: string;
  onDone: () => void;
}) {
  const [yuan, setYuan] = useState('');
  const [problem, setProblem] = useState('');
  // The amount typed, waiting for 确认 (the one in-page confirmation before money is recorded).
  const [asking, setAsking] = useState<number | null>(null);
  const key = useRef(newIdempotencyKey());
  const topup = useMutation({
    mutationFn: (fen: number) => cardApi.topupCash(elderId, fen, key.current),
    onSuccess: () => {
      key.current = newIdempotencyKey();
      setYuan('');
      setAsking(null);
      undo.reset();
      onDone();
    },
  });
  const undo = useMutation({
    mutationFn: (entryId: string) => cardApi.reverse(elderId, entryId),
    onSuccess: () => onDone(),
  });
  const submit = () => {
    const m = /^(\d{1,4})(?:\.(\d{1,2}))?$/.exec(yuan.trim());
    if (!m) return setProblem('请输入金额，例如 100 或 50.5');
    const fen = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
    if (fen < 100 || fen > 200000) return setProblem('每次充值 1 元到 2000 元');
    setProblem('');
    topup.reset();
    setAsking(fen);
  };
  const fresh = topup.data;
  return (
    <View>
      {fresh && !undo.isSuccess && (
        <View className="ok-box mealcard__done">
          <Text className="text">
            已充值 {formatYuan(fresh.amount)}，经手人 {takerName}。现在余额 {formatYuan(fresh.balance)}。
          </Text>
          <Text className="hint">金额不对？{CASH_UNDO_MINUTES} 分钟内可以撤销，再重新充。</Text>
          {undo.isError && <Text className="error-box">{plainError(undo.error)}</Text>}
          <Btn
            className={cls('btn--secondary', undo.isPending && 'btn--busy')}
            label={`撤销这笔充值 ${formatYuan(fresh.amount)}`}
            onClick={() => !undo.isPending && undo.mutate(fresh.id)}
          >
            {undo.isPending ? '正在撤销…' : `撤销这笔充值 ${formatYuan(fresh.amount)}`}
          </Btn>
        </View>
      )}
      {undo.isSuccess && (
        <Text className="ok-box mealcard__undone">
          已撤销 {formatYuan(-undo.data.amount)} 的充值，请把现金退还。现在余额{' '}
          {formatYuan(undo.data.balance)}。
        </Text>
      )}
      {asking !== null && (
        <View className="card mealcard__confirm" {...{ role: 'group', 'aria-label': '确认充值金额' }}>
          <Text className="text mealcard__question">
            收到现金 {formatYuan(asking)}，充到{elderName ? ` ${elderName} ` : ''}卡上？
          </Text>
          {topup.isError && <Text className="error-box">{topup.error.message}</Text>}
          <Btn
            className={topup.isPending ? 'btn--busy' : undefined}
            label={`确认充值 ${formatYuan(asking)}`}
            onClick={() => !topup.isPending && topup.mutate(asking)}
          >
            {topup.isPending ? '正在充值…' : `确认充值 ${formatYuan(asking)}`}
          </Btn>
          <Btn className="btn--secondary" onClick={() => setAsking(null)}>
            改金额
          </Btn>
        </View>
      )}
      <Field
        label="收到现金（元）"
        type="digit"
        value={yuan}
        onInput={setYuan}
        placeholder="例如 100"
        error={problem}
      />
      {asking === null && <Btn onClick={submit}>收到现金，充值</Btn>}
      <Text className="hint">充值记录会写明经手人：{takerName}。</Text>
    </View>
  );
}

export default function MealCardPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const role = me.data?.role;
  const params = useRouter().params as Record<string, string | undefined>;
  const elderId =
    params.elderId || (role === 'elder' ? ((me.data?.elderId as string | undefined) ?? '') : '');

  const elder = useQuery({
    queryKey: qk('elder', elderId),
    queryFn: () => mealApi.elder(elderId),
    enabled: !!elderId && !!token,
  });
  const card = useQuery({
    queryKey: qk('meal-card', elderId),
    queryFn: () => cardApi.card(elderId),
    enabled: !!elderId && !!token,
    staleTime: 0,
  });
  // A WeChat top-up is credited when WeChat's notice reaches the server: look again shortly.
  const [waiting, setWaiting] = useState(0);
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(() => {
      void card.refetch();
      setWaiting((n) => (n > 1 ? n - 1 : 0));
    }, 1500);
    return () => clearTimeout(timer);
  }, [waiting, card]);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: qk('meal-card', elderId) });
    setWaiting(role === 'family' ? 5 : 0);
  };

  // 撤销 on a fresh cash entry in the list (the same as the button under a top-up just made).
  const undoEntry = useMutation({
    mutationFn: (entryId: string) => cardApi.reverse(elderId, entryId),
    onSettled: () => refresh(),
  });

  const gate = profileGate({
    title: '助餐卡',
    pageClass: 'mealcard',
    leadClass: 'mealcard__lead',
    signInLead: '请先登录，再看助餐卡。',
    token,
    me,
    notForYou: elderId ? null : role === 'family' ? '请先在「我的家人」里选一位长者。' : '请先选一位长者。',
  });
  if (gate) return gate;

  const name = elder.data?.name ?? '';
  return (
    <View className={role === 'elder' ? 'page page--elder mealcard' : 'page mealcard'}>
      <PageTop />
      <Text className="title">{name ? `${name} 的助餐卡` : '助餐卡'}</Text>

      {card.isPending && <Loading what="助餐卡" />}
      {card.isError && <ErrorBox message={card.error.message} onRetry={() => card.refetch()} />}
      {card.data && (
        <View className="card">
          <Text className="text">卡上余额</Text>
          <Text className="mealcard__balance" {...{ 'aria-label': `余额 ${formatYuan(card.data.balance)}` }}>
            {formatYuan(card.data.balance)}
          </Text>
          <Text className="hint">订餐时选「助餐卡」就从这里扣钱；取消订餐，钱会退回卡上。</Text>
        </View>
      )}

      {role === 'family' && (
        <Section title="给长者充值">
          <WechatTopup elderId={elderId} onDone={refresh} />
        </Section>
      )}
      {(role === 'worker' || role === 'admin') && (
        <Section title="现金充值">
          <CashTopup elderId={elderId} elderName={name} takerName={me.data?.name ?? ''} onDone={refresh} />
        </Section>
      )}
      {role === 'elder' && <Text className="text">要充值，请家人在微信里充，或到社区服务站交现金。</Text>}

      {card.data && (
        <Section title="收支记录">
          {card.data.entries.length === 0 && <Empty>还没有记录。</Empty>}
          {undoEntry.isError && <Text className="error-box">{plainError(undoEntry.error)}</Text>}
          {card.data.entries.map((e) => (
            <EntryRow
              key={e.id}
              e={e}
              myId={me.data?.id}
              onUndo={
                role === 'worker' || role === 'admin'
                  ? (x) => !undoEntry.isPending && undoEntry.mutate(x.id)
                  : undefined
              }
            />
          ))}
        </Section>
      )}

      <HomeButton />
    </View>
  );
}
