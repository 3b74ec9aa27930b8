/**
 * 操作日志 (admin; a worker sees their community's): who changed what and when, newest first,
 * 50 at a time (更多); filtered by what kind of record, one record's number and the period;
 * 导出 CSV gives the same rows as a file for the auditors.
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import {
  AUDIT_ACTION_LABELS,
  AUDIT_FIELD_LABELS,
  AUDIT_TARGET_LABELS,
} from '@yiyangtong/shared/src/audit-labels';
import { ROLE_LABELS } from '@yiyangtong/shared/src/labels';
import { downloadFile } from '../../../api/download';
import { auditQuery, officeApi, type AuditEntry, type AuditFilters } from '../../../api/office';
import { useProfile } from '../../../api/profile';
import { profileGate } from '../../../components/profile-gate';
import { Btn, Choice, Empty, ErrorBox, Field, HomeButton, Loading, Section } from '../../../components/ui';
import { PageTop } from '../../../components/page-top';
import { chinaDate } from '../../../format';
import { qk } from '../../../api/query-keys';

const PERIODS = [
  { days: 1, label: '今天' },
  { days: 7, label: '近7天' },
  { days: 31, label: '近31天' },
];

function daysBefore(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

function valueText(v: unknown): string {
  if (v === undefined || v === null || v === '') return '（空）';
  if (v === true) return '是';
  if (v === false) return '否';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function timeText(iso: string): string {
  const china = new Date(Date.parse(iso) + 8 * 3600_000).toISOString();
  return `${china.slice(0, 10)} ${china.slice(11, 19)}`;
}

function EntryCard({ e }: { e: AuditEntry }) {
  const who = e.actor.role === 'system' ? '系统' : `${e.actor.name}（${ROLE_LABELS[e.actor.role]}）`;
  return (
    <View className="card audit-entry">
      <Text className="audit-entry__what">{AUDIT_ACTION_LABELS[e.action] ?? e.action}</Text>
      <Text className="text">
        {timeText(e.at)} · {who}
      </Text>
      <Text className="text audit-entry__target">
        {AUDIT_TARGET_LABELS[e.targetType] ?? e.targetType} {e.targetId}
      </Text>
      {e.changes?.map((c) => (
        <Text key={c.field} className="text audit-entry__change">
          {AUDIT_FIELD_LABELS[c.field] ?? c.field}：{valueText(c.before)} → {valueText(c.after)}
        </Text>
      ))}
      {e.reason && <Text className="text">原因：{e.reason}</Text>}
    </View>
  );
}

export default function AuditPage() {
  const { token, me } = useProfile();
  const role = me.data?.role;
  const [targetType, setTargetType] = useState('');
  const [idText, setIdText] = useState('');
  const [targetId, setTargetId] = useState('');
  const [days, setDays] = useState(7);
  const today = chinaDate(Date.now());
  const filters: AuditFilters = {
    targetType: targetType || undefined,
    targetId: targetType && targetId ? targetId : undefined,
    from: daysBefore(today, days - 1),
    to: today,
  };
  const log = useInfiniteQuery({
    queryKey: qk('audit', filters),
    queryFn: ({ pageParam }) => officeApi.audit(filters, pageParam || undefined),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextBefore,
    enabled: role === 'admin' || role === 'worker',
    staleTime: 0,
  });
  const exportCsv = useMutation({
    mutationFn: () =>
      downloadFile(`/api/audit.csv?${auditQuery(filters)}`, `操作日志_${filters.from}_${filters.to}.csv`),
  });

  const gate = profileGate({
    title: '操作日志',
    pageClass: 'audit',
    leadClass: 'audit__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: role === 'admin' || role === 'worker' ? null : '只有管理员和社区助老员可以查看操作日志。',
  });
  if (gate) return gate;

  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <View className="page audit">
      <PageTop />
      <Text className="title">操作日志</Text>
      {role === 'worker' && <Text className="text">只显示本社区长者的记录。</Text>}
      <Section title="记录类型">
        <View className="row">
          <Choice selected={!targetType} label="全部" onClick={() => setTargetType('')} />
          {Object.entries(AUDIT_TARGET_LABELS).map(([k, label]) => (
            <Choice key={k} selected={k === targetType} label={label} onClick={() => setTargetType(k)} />
          ))}
        </View>
        {targetType && (
          <View>
            <Field
              label="记录编号（可不填）"
              value={idText}
              onInput={setIdText}
              placeholder="例如长者或账号的编号"
              maxlength={80}
              onConfirm={() => setTargetId(idText.trim())}
            />
            <Btn className="btn--secondary" onClick={() => setTargetId(idText.trim())}>
              按编号查
            </Btn>
          </View>
        )}
      </Section>
      <Section title="时间">
        <View className="row">
          {PERIODS.map((p) => (
            <Choice key={p.days} selected={p.days === days} label={p.label} onClick={() => setDays(p.days)} />
          ))}
        </View>
        <Text className="hint">
          {filters.from} 至 {filters.to}
        </Text>
      </Section>
      <Btn onClick={() => exportCsv.mutate()} disabled={exportCsv.isPending}>
        {exportCsv.isPending ? '正在导出…' : '导出 CSV（Excel 可打开）'}
      </Btn>
      {exportCsv.isSuccess && <Text className="ok-box">已导出，请在下载里查看</Text>}
      {exportCsv.isError && <Text className="error-box">{exportCsv.error.message}</Text>}
      <Section title="记录">
        {log.isPending && <Loading what="操作日志" />}
        {log.isError && <ErrorBox message={log.error.message} onRetry={() => log.refetch()} />}
        {log.data && !entries.length && <Empty>这段时间没有记录</Empty>}
        {entries.map((e) => (
          <EntryCard key={e.id} e={e} />
        ))}
        {log.hasNextPage && (
          <Btn
            className="btn--secondary"
            onClick={() => log.fetchNextPage()}
            disabled={log.isFetchingNextPage}
          >
            {log.isFetchingNextPage ? '正在加载…' : '更多记录'}
          </Btn>
        )}
      </Section>
      <HomeButton />
    </View>
  );
}
