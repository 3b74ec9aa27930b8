/**
 * 食堂设置 (admin): a canteen's meals and their booking cut-offs, ways of collecting, the
 * delivery fee and 暂停营业 (a paused canteen takes no new orders; orders placed stay). Only
 * what changed is sent (PATCH /api/canteens/:id), with the reason for the audit log; new
 * settings apply to orders placed after the change. Works on a phone and at a desk.
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError } from '../../../api/client';
import { useProfile } from '../../../api/profile';
import { adminApi, type CanteenChange, type CanteenSettings } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import {
  Btn,
  Choice,
  Empty,
  ErrorBox,
  Field,
  HomeButton,
  Loading,
  MultiChoice,
  Section,
} from '../../../components/ui';
import { FULFILMENT_LABELS, formatYuan, slotLabel, type Fulfilment, type Slot } from '../../../format';
import { PageTop } from '../../../components/page-top';
import '../catalogue.scss';
import { qk } from '../../../api/query-keys';

const SLOTS: Slot[] = ['breakfast', 'lunch', 'dinner'];
const DEFAULT_CUTOFF: Record<Slot, string> = { breakfast: '20:00', lunch: '10:00', dinner: '15:00' };

/** Yuan text → fen, or null when it is not a money amount. */
function yuanToFen(s: string): number | null {
  const m = /^(\d{1,5})(?:\.(\d{1,2}))?$/.exec(s.trim());
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}
const fenText = (fen: number) => (fen % 100 ? (fen / 100).toFixed(2) : String(fen / 100));

interface SlotState {
  on: boolean;
  cutoff: string;
  dayBefore: boolean;
}

function Settings({ canteen, onSaved }: { canteen: CanteenSettings; onSaved: (c: CanteenSettings) => void }) {
  const [slots, setSlots] = useState<Record<Slot, SlotState>>(() => {
    const out = {} as Record<Slot, SlotState>;
    for (const s of SLOTS) {
      const was = canteen.slots.find((x) => x.slot === s);
      out[s] = {
        on: !!was,
        cutoff: was?.cutoff ?? DEFAULT_CUTOFF[s],
        dayBefore: was?.cutoffDayBefore ?? false,
      };
    }
    return out;
  });
  const [fulfilment, setFulfilment] = useState<Fulfilment[]>(canteen.fulfilment);
  const [fee, setFee] = useState(fenText(canteen.deliveryFee));
  const [closed, setClosed] = useState(!!canteen.closed);
  const [reason, setReason] = useState('');
  const [problems, setProblems] = useState<Record<string, string>>({});

  const save = useMutation({
    mutationFn: (body: CanteenChange) => adminApi.changeCanteen(canteen.id, body),
    onSuccess: onSaved,
    onError: (err) => {
      if (err instanceof ApiError && Object.keys(err.fields).length) setProblems(err.fields);
    },
  });

  const setSlot = (s: Slot, patch: Partial<SlotState>) => {
    save.reset();
    setSlots((all) => ({ ...all, [s]: { ...all[s], ...patch } }));
  };

  const submit = () => {
    const p: Record<string, string> = {};
    const chosen = SLOTS.filter((s) => slots[s].on);
    if (!chosen.length) p.slots = '至少供应一个餐次';
    for (const s of chosen)
      if (!/^([01][0-9]|2[0-3]):[0-5][0-9]$/.test(slots[s].cutoff.trim()))
        p[`cutoff.${s}`] = '截止时间格式：10:00（24小时制）';
    if (!fulfilment.length) p.fulfilment = '至少一种取餐方式';
    const feeFen = yuanToFen(fee);
    if (feeFen === null) p.deliveryFee = '请填写金额（元），例如 3 或 3.50';
    setProblems(p);
    if (Object.keys(p).length) return;
    const nextSlots = chosen.map((s) => ({
      slot: s,
      cutoff: slots[s].cutoff.trim(),
      cutoffDayBefore: slots[s].dayBefore,
    }));
    const body: CanteenChange = {};
    if (JSON.stringify(nextSlots) !== JSON.stringify(canteen.slots)) body.slots = nextSlots;
    if ([...fulfilment].sort().join() !== [...canteen.fulfilment].sort().join()) body.fulfilment = fulfilment;
    if (feeFen !== canteen.deliveryFee) body.deliveryFee = feeFen!;
    if (closed !== !!canteen.closed) body.closed = closed;
    if (!Object.keys(body).length) {
      setProblems({ '(body)': '没有改动：改好要改的地方再保存。' });
      return;
    }
    if (reason.trim()) body.reason = reason.trim();
    save.mutate(body);
  };

  return (
    <View>
      <Section title="营业状态">
        <Text className="text catalogue__state">{closed ? '暂停营业：不接受新的订餐' : '营业中'}</Text>
        <View className="row">
          <Choice selected={!closed} label="营业" onClick={() => setClosed(false)} />
          <Choice selected={closed} label="暂停营业" onClick={() => setClosed(true)} />
        </View>
        {closed && !canteen.closed && (
          <Text className="hint">保存后不再接受新的订餐；已经订好的餐不变，请另行通知长者。</Text>
        )}
      </Section>
      <Section title="餐次和订餐截止时间">
        {problems.slots && <Text className="field__error">{problems.slots}</Text>}
        {SLOTS.map((s) => (
          <View key={s} className="catalogue__slot">
            <View className="row">
              <Choice
                selected={slots[s].on}
                label={`供应${slotLabel(s)}`}
                onClick={() => setSlot(s, { on: !slots[s].on })}
              />
              {slots[s].on && (
                <Choice
                  selected={slots[s].dayBefore}
                  label="前一天截止"
                  sub={slotLabel(s)}
                  onClick={() => setSlot(s, { dayBefore: !slots[s].dayBefore })}
                />
              )}
            </View>
            {slots[s].on && (
              <Field
                label={`${slotLabel(s)}截止时间`}
                value={slots[s].cutoff}
                onInput={(v) => setSlot(s, { cutoff: v })}
                placeholder="10:00"
                error={problems[`cutoff.${s}`]}
              />
            )}
          </View>
        ))}
      </Section>
      <Section title="取餐方式">
        <MultiChoice options={FULFILMENT_LABELS} value={fulfilment} onChange={setFulfilment} />
        {problems.fulfilment && <Text className="field__error">{problems.fulfilment}</Text>}
      </Section>
      <Field
        label="送餐费（元）"
        type="digit"
        value={fee}
        onInput={setFee}
        placeholder="3"
        error={problems.deliveryFee}
      />
      <Field
        label="修改原因（记入操作记录）"
        value={reason}
        onInput={setReason}
        placeholder="例如：厨房检修"
        error={problems.reason}
      />
      <Text className="hint">新的设置只影响此后下的单，已下的单不变。</Text>
      {problems['(body)'] && <Text className="error-box">{problems['(body)']}</Text>}
      {save.isError && <Text className="error-box">{save.error.message}</Text>}
      <Btn className={save.isPending ? 'btn--busy' : undefined} onClick={() => !save.isPending && submit()}>
        {save.isPending ? '正在保存…' : '保存设置'}
      </Btn>
    </View>
  );
}

export default function CanteensPage() {
  const queryClient = useQueryClient();
  const { token, me } = useProfile();
  const isAdmin = me.data?.role === 'admin';
  const canteens = useQuery({
    queryKey: qk('admin-canteens', token),
    queryFn: adminApi.canteens,
    enabled: isAdmin,
  });
  const [pickedId, setPickedId] = useState('');
  const [saved, setSaved] = useState('');

  const gate = profileGate({
    title: '食堂设置',
    pageClass: 'catalogue',
    leadClass: 'catalogue__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: isAdmin ? null : '只有管理员可以修改食堂设置。',
  });
  if (gate) return gate;
  const picked = canteens.data?.items.find((c) => c.id === pickedId);

  return (
    <View className="page catalogue">
      <PageTop />
      <Text className="title">食堂设置</Text>
      {saved && <Text className="ok-box">{saved}</Text>}
      {picked ? (
        <Section title={picked.name}>
          <Settings
            key={picked.id}
            canteen={picked}
            onSaved={(c) => {
              setSaved(`已保存「${c.name}」的设置。`);
              setPickedId('');
              void queryClient.invalidateQueries({ queryKey: qk('admin-canteens') });
            }}
          />
          <Btn className="btn--secondary" onClick={() => setPickedId('')}>
            不保存，返回列表
          </Btn>
        </Section>
      ) : (
        <Section title="选择食堂">
          {canteens.isPending && <Loading what="食堂" />}
          {canteens.isError && (
            <ErrorBox message={canteens.error.message} onRetry={() => canteens.refetch()} />
          )}
          {canteens.data?.items.length === 0 && <Empty>还没有食堂。</Empty>}
          {canteens.data?.items.map((c) => (
            <View key={c.id} className="card">
              <Text className="card__title">{c.name}</Text>
              <Text className="text catalogue__state">{c.closed ? '暂停营业' : '营业中'}</Text>
              <Text className="text">
                {c.slots
                  .map((s) => `${slotLabel(s.slot)}${s.cutoffDayBefore ? '前一天' : '当天'} ${s.cutoff} 截止`)
                  .join('，')}
              </Text>
              <Text className="hint">
                {c.fulfilment.map((f) => FULFILMENT_LABELS[f]).join('、')} · 送餐费{' '}
                {formatYuan(c.deliveryFee)}
              </Text>
              <Btn
                className="btn--secondary catalogue__actions"
                label={`修改设置 ${c.name}`}
                onClick={() => {
                  setSaved('');
                  setPickedId(c.id);
                }}
              >
                修改设置
              </Btn>
            </View>
          ))}
        </Section>
      )}
      <HomeButton />
    </View>
  );
}
