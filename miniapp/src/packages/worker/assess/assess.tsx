/**
 * 能力评估 (community worker, admin): the 26 items of GB/T 42195-2022 grouped by their four
 * indicators, each a row of big score buttons; the running total and level are computed here
 * with the same code the server uses (shared/src/assessment.ts), and one 保存评估 button sends
 * them. The elder's care level — what care-level discount rules look at — follows the latest
 * assessment. `?elderId=` names the elder. Earlier assessments are listed below.
 */
import { useState } from 'react';
import Taro, { useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ASSESSMENT_ITEMS,
  assessmentProblems,
  INDICATORS,
  scoreAssessment,
  type AssessmentItemDef,
} from '@yiyangtong/shared/src/assessment';
import { plainError } from '../../../api/client';
import { useProfile } from '../../../api/profile';
import { workerApi } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import { Btn, cls, Empty, ErrorBox, Field, HomeButton, Loading, Section } from '../../../components/ui';
import { PageTop } from '../../../components/page-top';
import './assess.scss';
import { qk } from '../../../api/query-keys';

type Scores = Record<string, number>;

function ItemRow({
  item,
  score,
  onPick,
}: {
  item: AssessmentItemDef;
  score: number | undefined;
  onPick: (score: number) => void;
}) {
  return (
    <View className="assess__item">
      <Text className="assess__item-name">
        {item.name}
        {score === undefined ? '（未评）' : `：${score} 分`}
      </Text>
      <View className="assess__scores">
        {item.options.map((o) => {
          const on = score === o.score;
          return (
            <Btn
              key={o.score}
              className={cls('choice', 'assess__score', on ? 'choice--on' : 'btn--secondary')}
              label={`${item.name} ${o.score}分 ${o.label}${on ? ' 已选' : ''}`}
              pressed={on}
              onClick={() => onPick(o.score)}
            >
              <View className="choice__body">
                <View className="choice__line">
                  {on && <Text className="choice__check">✓ </Text>}
                  <Text className="choice__label">{o.score} 分</Text>
                </View>
                <Text className="choice__sub">{o.label}</Text>
              </View>
            </Btn>
          );
        })}
      </View>
    </View>
  );
}

export default function AssessPage() {
  const { token, me } = useProfile();
  const role = me.data?.role;
  const elderId = String((useRouter().params as Record<string, string | undefined>).elderId ?? '');
  const allowed = role === 'worker' || role === 'admin';
  const elder = useQuery({
    queryKey: qk('elder', elderId),
    queryFn: () => workerApi.elder(elderId),
    enabled: allowed && !!elderId,
  });
  const history = useQuery({
    queryKey: qk('assessments', elderId),
    queryFn: () => workerApi.assessments(elderId),
    enabled: allowed && !!elderId,
  });
  const [scores, setScores] = useState<Scores>({});
  const [notes, setNotes] = useState('');
  const [problem, setProblem] = useState('');
  const queryClient = useQueryClient();
  const save = useMutation({
    mutationFn: () =>
      workerApi.assess(elderId, {
        items: ASSESSMENT_ITEMS.map((i) => ({ code: i.code, score: scores[i.code] })) as never,
        ...(notes.trim() ? { notes: notes.trim() } : {}),
      }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: qk('assessments', elderId) });
      void queryClient.invalidateQueries({ queryKey: qk('elder', elderId) });
      void queryClient.invalidateQueries({ queryKey: qk('elders') });
    },
  });

  const gate = profileGate({
    title: '能力评估',
    pageClass: 'assess',
    leadClass: 'assess__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: allowed ? null : '只有社区助老员和管理员可以做能力评估。',
  });
  if (gate) return gate;

  const given = Object.entries(scores).map(([code, score]) => ({ code, score }));
  const result = scoreAssessment(given);
  const done = given.length;
  const name = elder.data?.name ?? '';

  if (save.data)
    return (
      <View className="page assess">
        <PageTop />
        <Text className="title">能力评估</Text>
        <View className="ok-box">
          <Text className="text">
            已保存 {name} 的能力评估：总分 {save.data.total} 分，{save.data.levelName}。
          </Text>
          <Text className="text">照护等级已按这次评估更新，适用的助餐优惠从下一单起生效。</Text>
        </View>
        <Btn onClick={() => void Taro.navigateTo({ url: '/packages/worker/elders/elders' })}>
          回到长者名册
        </Btn>
        <HomeButton />
      </View>
    );

  return (
    <View className="page assess">
      <PageTop />
      <Text className="title">能力评估{name ? ` · ${name}` : ''}</Text>
      {!elderId && <Empty>请从长者名册选择要评估的长者。</Empty>}
      {elder.isError && <ErrorBox message={plainError(elder.error)} onRetry={() => elder.refetch()} />}
      {elder.data && (
        <Text className="text">
          {elder.data.lastAssessedAt ? `上次评估：${elder.data.lastAssessedAt}` : '还没有评估过'}
          {elder.data.reassessmentDue && <Text className="assess__due">需复评</Text>}
        </Text>
      )}
      <Text className="hint">
        按《老年人能力评估规范》（GB/T 42195-2022）逐项选择分数，分数越高能力越好。
      </Text>
      {INDICATORS.map((ind) => {
        const sub = result.indicators.find((i) => i.id === ind.id)!;
        return (
          <Section key={ind.id} title={`${ind.name}（${sub.score} / ${ind.max} 分）`}>
            {ind.items.map((item) => (
              <ItemRow
                key={item.code}
                item={item}
                score={scores[item.code]}
                onPick={(score) => {
                  setScores((s) => ({ ...s, [item.code]: score }));
                  setProblem('');
                }}
              />
            ))}
          </Section>
        );
      })}
      <Field label="备注（可不填）" value={notes} onInput={setNotes} maxlength={500} />
      <View className="assess__total" {...{ role: 'status', 'aria-live': 'polite' }}>
        <Text className="assess__total-line">
          已评 {done} / {ASSESSMENT_ITEMS.length} 项 · 总分 {result.total} / 90
        </Text>
        <Text className="assess__total-line">
          {done === ASSESSMENT_ITEMS.length ? `等级：${result.levelName}` : `暂按已评项：${result.levelName}`}
        </Text>
        {(problem || save.isError) && (
          <Text className="error-box">{problem || (save.error ? plainError(save.error) : '')}</Text>
        )}
        <Btn
          disabled={save.isPending || !elderId}
          onClick={() => {
            const missing = assessmentProblems(given).items;
            if (missing) return setProblem(missing);
            setProblem('');
            save.mutate();
          }}
        >
          {save.isPending ? '正在保存…' : '保存评估'}
        </Btn>
      </View>
      <Section title="评估记录">
        {history.isPending && !!elderId && <Loading what="评估记录" />}
        {history.data?.items.length === 0 && <Empty>还没有评估记录。</Empty>}
        {history.data?.items.map((a) => (
          <View key={a.id} className="card">
            <Text className="card__title">
              {a.assessedAt} · {a.total} 分
            </Text>
            <Text className="text">{a.levelName}</Text>
            <Text className="hint">
              {a.indicators.map((i) => `${i.name} ${i.score}/${i.max}`).join('；')} · 评估人{' '}
              {a.assessedBy.name}
            </Text>
          </View>
        ))}
      </Section>
      <HomeButton />
    </View>
  );
}
