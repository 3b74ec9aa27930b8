/**
 * 上门服务 for elders and family: book a visit (为谁 → 项目 → 哪天 → 时段 → 价格明细 → 确认预约),
 * then 我的服务: each visit's status and timeline, 取消预约 (confirmed in the card) before
 * check-in, and 评价 (1–5 分) once it is done. After booking, the form gives way to the result
 * at the top of the page, scrolled into view: it is where the elder is looking.
 * Everything inline, no pop-ups; prices come from the server.
 */
import { useRef, useState } from 'react';
import Taro from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useProfile } from '../../api/profile';
import { chinaDateTime, chinaIso, serviceApi, type Visit } from '../../api/services';
import { goHome, profileGate } from '../../components/profile-gate';
import { Tap } from '../../components/tap';
import { useMyElders } from '../../components/use-my-elders';
import { ServicePrice, Timeline } from '../../components/visit-parts';
import { addDays, chinaDate, dateLabel, formatYuan } from '../../format';
import '../../components/care.scss';
import { PageTop } from '../../components/page-top';
import { elderPackagesKey, PackageSection, useElderPackages } from '../../components/packages';
import { qk } from '../../api/query-keys';

const WINDOWS = [
  { time: '09:00', label: '上午 9:00–11:00' },
  { time: '14:00', label: '下午 2:00–4:00' },
];

function RateVisit({ visit }: { visit: Visit }) {
  const qc = useQueryClient();
  const [score, setScore] = useState(0);
  const rate = useMutation({
    mutationFn: () => serviceApi.act(visit.id, 'rating', { score }),
    onSuccess: () => qc.invalidateQueries({ queryKey: qk('visits') }),
  });
  return (
    <View className="care__section">
      <Text className="care__strong">请为这次服务打分</Text>
      <View className="care__choices care__stars">
        {[1, 2, 3, 4, 5].map((n) => (
          <Tap key={n} label={`${n}分`} kind="secondary" selected={score === n} onTap={() => setScore(n)} />
        ))}
      </View>
      {rate.isError && <Text className="error-box">{rate.error.message}</Text>}
      <Tap
        label={score ? `提交评价 ${score}分` : '请先选择分数'}
        disabled={!score || rate.isPending}
        onTap={() => rate.mutate()}
      />
    </View>
  );
}

/** 取消预约 before the provider has checked in: one confirmation, in the card. */
function CancelVisit({ visit }: { visit: Visit }) {
  const qc = useQueryClient();
  const [asking, setAsking] = useState(false);
  const cancel = useMutation({
    mutationFn: () => serviceApi.act(visit.id, 'cancel', {}),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: qk('visits') });
      // 用套餐: the visit goes back to the package.
      if (visit.pricing.paidByPackage) void qc.invalidateQueries({ queryKey: qk('elder-packages') });
    },
  });
  if (!asking)
    return (
      <Tap label={`取消预约：${visit.item.name}`} kind="secondary" onTap={() => setAsking(true)}>
        <Text>取消预约</Text>
      </Tap>
    );
  return (
    <View className="care__confirm">
      <Text className="text">
        确定取消 {chinaDateTime(visit.scheduledAt)} 的{visit.item.name}吗？
      </Text>
      {cancel.isError && <Text className="error-box">{cancel.error.message}</Text>}
      <Tap
        label={`确定取消：${visit.item.name}`}
        kind="danger"
        disabled={cancel.isPending}
        onTap={() => cancel.mutate()}
      />
      <Tap label="不取消" kind="secondary" onTap={() => setAsking(false)} />
    </View>
  );
}

const CANCELLABLE = ['requested', 'dispatched', 'accepted', 'rejected'];

function VisitCard({ visit }: { visit: Visit }) {
  return (
    <View className="care__card" aria-label={`${visit.item.name} ${visit.statusName}`}>
      <Text className="care__strong">
        {visit.item.name} · {visit.elderName}
      </Text>
      <Text className="text">{chinaDateTime(visit.scheduledAt)}</Text>
      <Text className={visit.status === 'cancelled' ? 'care__warn' : 'care__ok'}>{visit.statusName}</Text>
      {visit.provider && <Text className="text">服务人员：{visit.provider.name}</Text>}
      {visit.durationMin !== undefined && <Text className="text">服务用时：{visit.durationMin} 分钟</Text>}
      {visit.rating && <Text className="text">我的评价：{visit.rating.score} 分</Text>}
      {visit.review?.state === 'pending' && <Text className="text">社区正在核实这次服务，核实前不收费</Text>}
      <Text className="text">
        {visit.pricing.paidByPackage
          ? `用套餐（${visit.pricing.paidByPackage.name}），不另收费`
          : `应付 ${formatYuan(visit.pricing.payable)}`}
      </Text>
      <Timeline visit={visit} />
      {visit.status === 'completed' && <RateVisit visit={visit} />}
      {CANCELLABLE.includes(visit.status) && <CancelVisit visit={visit} />}
    </View>
  );
}

export default function HomeServicesPage() {
  const { token, me } = useProfile();
  const qc = useQueryClient();
  const { ready, role, elders } = useMyElders(me.data, '我自己');
  const [picked, setElderId] = useState('');
  // One elder (the elder themself, or a family member's only one) is chosen already.
  const elderId = picked || (elders.length === 1 ? elders[0].id : '');
  const items = useQuery({ queryKey: qk('service-items'), queryFn: serviceApi.items, enabled: ready });
  const [itemId, setItemId] = useState('');
  const [day, setDay] = useState('');
  const [time, setTime] = useState('');
  const [notes, setNotes] = useState('');
  const today = chinaDate(new Date());
  const scheduledAt = day && time ? chinaIso(day, time) : '';
  const quote = useQuery({
    queryKey: qk('service-quote', elderId, itemId, scheduledAt),
    queryFn: () => serviceApi.quote({ elderId, itemId, scheduledAt }),
    enabled: Boolean(elderId && itemId && scheduledAt),
  });
  // 用套餐: the elder's package of this item for the visit's month, while visits are left.
  const packages = useElderPackages(elderId);
  const usable = (packages.data?.items ?? []).find(
    (p) => p.itemId === itemId && day && p.month === day.slice(0, 7) && p.remaining > 0,
  );
  const [pickedPackage, setUsePackage] = useState(true);
  const usePackage = Boolean(usable) && pickedPackage;
  const visits = useQuery({
    queryKey: qk('visits'),
    queryFn: () => serviceApi.list(),
    enabled: ready,
    refetchInterval: 5000,
  });
  // One Idempotency-Key per booking attempt: a double tap or a retry after a lost answer books once.
  const attempt = useRef<{ sig: string; key: string } | null>(null);
  const book = useMutation({
    mutationFn: () => {
      const body = {
        elderId,
        itemId,
        scheduledAt,
        ...(notes ? { notes } : {}),
        ...(usePackage && usable ? { packageId: usable.packageId } : {}),
      };
      const sig = JSON.stringify(body);
      if (!attempt.current || attempt.current.sig !== sig)
        attempt.current = {
          sig,
          key: `visit-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
        };
      return serviceApi.book(body, attempt.current.key);
    },
    onSuccess: () => {
      attempt.current = null;
      setItemId('');
      setTime('');
      setNotes('');
      void qc.invalidateQueries({ queryKey: qk('visits') });
      void qc.invalidateQueries({ queryKey: elderPackagesKey(elderId) });
      // The result replaces the form at the top: bring the top into view.
      setTimeout(() => void Taro.pageScrollTo({ scrollTop: 0, duration: 0 }), 0);
    },
  });

  const gate = profileGate({
    title: '上门服务',
    pageClass: 'services',
    leadClass: 'services__lead',
    signInLead: '请先登录，再预约上门服务。',
    token,
    me,
    notForYou:
      me.data && !ready ? '这个页面供长者和家属预约上门服务；派单和服务请回首页进入您的工作页面。' : null,
  });
  if (gate) return gate;

  return (
    <View className="page services">
      <PageTop />
      <Text className="title">上门服务</Text>

      {book.isSuccess ? (
        <View className="care__card" aria-label="预约成功">
          <Text className="care__ok">预约成功：{book.data.item.name}</Text>
          <Text className="text">
            {chinaDateTime(book.data.scheduledAt)}，
            {book.data.pricing.paidByPackage
              ? '用套餐，不另收费'
              : `应付 ${formatYuan(book.data.pricing.payable)}`}
            ，社区会尽快派人
          </Text>
          <Text className="text">可以在下面的「我的服务」里查看或取消。</Text>
          <Tap label="再预约一项" kind="secondary" onTap={() => book.reset()} />
        </View>
      ) : (
        <View className="care__section">
          <Text className="care__heading">预约服务</Text>
          {role === 'family' && (
            <View className="care__section">
              <Text className="text">1. 为谁预约</Text>
              {elders.length === 0 && <Text className="hint">还没有绑定长者。</Text>}
              <View className="care__choices">
                {elders.map((e) => (
                  <Tap
                    key={e.id}
                    label={e.name}
                    kind="secondary"
                    selected={elderId === e.id}
                    onTap={() => setElderId(e.id)}
                  />
                ))}
              </View>
            </View>
          )}
          <Text className="text">选择服务项目</Text>
          {(items.data?.items ?? []).map((i) => (
            <Tap
              key={i.id}
              label={`${i.name} ${formatYuan(i.price)}/${i.unit === 'hour' ? '小时' : '次'}`}
              kind="secondary"
              selected={itemId === i.id}
              onTap={() => setItemId(i.id)}
            />
          ))}
          <Text className="text">哪一天</Text>
          <View className="care__choices">
            {[1, 2, 3].map((n) => {
              const d = addDays(today, n);
              return (
                <Tap
                  key={d}
                  label={dateLabel(d)}
                  kind="secondary"
                  selected={day === d}
                  onTap={() => setDay(d)}
                />
              );
            })}
          </View>
          <Text className="text">什么时段</Text>
          <View className="care__choices">
            {WINDOWS.map((w) => (
              <Tap
                key={w.time}
                label={w.label}
                kind="secondary"
                selected={time === w.time}
                onTap={() => setTime(w.time)}
              />
            ))}
          </View>
          <Input
            className="care__input"
            placeholder="想对服务人员说的话（可不填）"
            value={notes}
            onInput={(e) => setNotes(e.detail.value)}
          />
          {usable && (
            <View className="care__section">
              <View className="care__choices">
                <Tap
                  label={`用套餐（还剩 ${usable.remaining} 次）`}
                  kind="secondary"
                  selected={usePackage}
                  onTap={() => setUsePackage(true)}
                />
                <Tap
                  label="不用套餐，按次付费"
                  kind="secondary"
                  selected={!usePackage}
                  onTap={() => setUsePackage(false)}
                />
              </View>
            </View>
          )}
          {quote.data && !usePackage && <ServicePrice pricing={quote.data.pricing} />}
          {quote.isError && <Text className="error-box">{quote.error.message}</Text>}
          {book.isError && <Text className="error-box">{book.error.message}</Text>}
          <Tap
            label={
              !quote.data
                ? '请选完项目、日期和时段'
                : usePackage
                  ? '确认预约，用套餐（不另收费）'
                  : `确认预约，应付${formatYuan(quote.data.pricing.payable)}`
            }
            disabled={!quote.data || book.isPending}
            onTap={() => book.mutate()}
          />
        </View>
      )}

      <PackageSection elderId={elderId} thisMonth={today.slice(0, 7)} />

      <View className="care__section">
        <Text className="care__heading">我的服务</Text>
        {visits.data?.items.length === 0 && <Text className="hint">还没有预约。</Text>}
        {(visits.data?.items ?? []).map((v) => (
          <VisitCard key={v.id} visit={v} />
        ))}
      </View>

      <Tap label="返回首页" kind="secondary" onTap={goHome} />
    </View>
  );
}
