/**
 * 月度结算 (admin; a canteen's staff see their own): for one canteen and month, what the
 * government and the canteen funded, rule by rule — summed from the price breakdowns stored
 * with the orders (GET /api/reports/settlement), and the same month as an Excel workbook or a CSV.
 */
import { useState } from 'react';
import { Text, View } from '@tarojs/components';
import { useMutation, useQuery } from '@tanstack/react-query';
import { mealApi } from '../../../api/meals';
import { useProfile } from '../../../api/profile';
import { adminApi } from '../../../api/roles';
import { profileGate } from '../../../components/profile-gate';
import {
  Btn,
  Choice,
  Empty,
  ErrorBox,
  Loading,
  Section,
  HomeButton,
  CanteenChoices,
} from '../../../components/ui';
import { chinaDate, formatYuan, funderLabel } from '../../../format';
import { PageTop } from '../../../components/page-top';
import { downloadFile } from '../../../api/download';
import { plainError } from '../../../api/client';
import { qk } from '../../../api/query-keys';

/**
 * 下载 Excel / CSV: the same month's settlement as files for the finance office. The CSV only in
 * the browser (WeChat opens documents, and a CSV is not one it opens).
 */
function Downloads({ canteenId, month }: { canteenId: string; month: string }) {
  const [saved, setSaved] = useState('');
  const file = useMutation({
    mutationFn: (ext: 'xlsx' | 'csv') =>
      downloadFile(
        `/api/reports/settlement.${ext}?canteenId=${encodeURIComponent(canteenId)}&month=${month}`,
        `settlement-${month}.${ext}`,
      ),
    onSuccess: (name) => setSaved(name),
  });
  return (
    <View className="settlement__downloads">
      <View className="row">
        <Btn
          label={`下载 Excel ${monthWords(month)}结算`}
          disabled={file.isPending}
          onClick={() => file.mutate('xlsx')}
        >
          下载 Excel
        </Btn>
        {process.env.TARO_ENV === 'h5' && (
          <Btn
            className="btn--secondary"
            label={`下载 CSV ${monthWords(month)}补贴明细`}
            disabled={file.isPending}
            onClick={() => file.mutate('csv')}
          >
            下载 CSV
          </Btn>
        )}
      </View>
      {file.isPending && <Text className="hint">正在生成文件…</Text>}
      {file.isError && <Text className="error-box">{plainError(file.error)}</Text>}
      {saved && !file.isPending && !file.isError && <Text className="ok-box">已下载：{saved}</Text>}
    </View>
  );
}

function monthOf(date: string, back: number): string {
  const [y, m] = date.split('-').map(Number);
  const k = y * 12 + (m - 1) - back;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

const monthWords = (month: string) => `${Number(month.slice(0, 4))}年${Number(month.slice(5))}月`;

export default function SettlementPage() {
  const { token, me } = useProfile();
  const role = me.data?.role;
  const canteens = useQuery({
    queryKey: qk('canteens', null, null),
    queryFn: () => mealApi.canteens(),
    enabled: role === 'admin',
  });
  const [picked, setPicked] = useState('');
  const canteenId = role === 'canteen_staff' ? ((me.data?.canteenId as string | undefined) ?? '') : picked;
  const today = chinaDate(Date.now());
  const [back, setBack] = useState(0);
  const month = monthOf(today, back);
  const report = useQuery({
    queryKey: qk('settlement', canteenId, month),
    queryFn: () => adminApi.settlement(canteenId, month),
    enabled: !!canteenId,
    staleTime: 0,
  });

  const gate = profileGate({
    title: '月度结算',
    pageClass: 'settlement',
    leadClass: 'settlement__lead',
    signInLead: '请先登录。',
    token,
    me,
    notForYou: role === 'admin' || role === 'canteen_staff' ? null : '只有管理员和食堂工作人员可以查看结算。',
  });
  if (gate) return gate;

  const r = report.data;
  return (
    <View className="page settlement">
      <PageTop />
      <Text className="title">月度结算</Text>
      {role === 'admin' && (
        <Section title="食堂">
          <CanteenChoices q={canteens} selectedId={canteenId} onPick={(c) => setPicked(c.id)} />
        </Section>
      )}
      <Section title="月份">
        <View className="row">
          {[0, 1].map((b) => (
            <Choice
              key={b}
              selected={b === back}
              label={b === 0 ? '本月' : '上月'}
              sub={monthWords(monthOf(today, b))}
              onClick={() => setBack(b)}
            />
          ))}
        </View>
      </Section>
      {canteenId && (
        <Section title={`${monthWords(month)} 结算`}>
          {report.isPending && <Loading what="结算" />}
          {report.isError && <ErrorBox message={report.error.message} onRetry={() => report.refetch()} />}
          {r && (
            <View>
              <Downloads canteenId={canteenId} month={month} />
              <View className="table-row">
                <Text>订单数</Text>
                <Text className="settlement__orders">{r.orders} 单</Text>
              </View>
              <View className="table-row">
                <Text>菜品合计</Text>
                <Text>{formatYuan(r.subtotal)}</Text>
              </View>
              <View className="table-row">
                <Text>配送费</Text>
                <Text>{formatYuan(r.deliveryFees)}</Text>
              </View>
              <View className="table-row">
                <Text>长者实付</Text>
                <Text>{formatYuan(r.payable)}</Text>
              </View>
              {r.funders.map((f) => (
                <View key={f.fundedBy} className="table-row settlement__funder">
                  <Text>{funderLabel(f.fundedBy)}</Text>
                  <Text>
                    {f.count} 笔 {formatYuan(f.amount)}
                  </Text>
                </View>
              ))}
              {r.payments && (
                <View>
                  <Text className="section__title settlement__rules-title">长者怎么付的</Text>
                  <View className="table-row">
                    <Text>助餐卡（扣除退款）</Text>
                    <Text>{formatYuan(r.payments.card.net)}</Text>
                  </View>
                  <View className="table-row">
                    <Text>到店付 已收</Text>
                    <Text>{formatYuan(r.payments.counter.collected)}</Text>
                  </View>
                  <View className="table-row">
                    <Text>到店付 未收</Text>
                    <Text>{formatYuan(r.payments.counter.toCollect)}</Text>
                  </View>
                </View>
              )}
              {r.ledger && (
                <Text className={r.ledger.reconciled ? 'ok-box' : 'error-box'}>
                  {r.ledger.reconciled
                    ? `助餐卡流水核对一致：扣款 ${formatYuan(r.ledger.payments)}，退款 ${formatYuan(r.ledger.refunds)}`
                    : `助餐卡流水有 ${r.ledger.mismatches.length} 笔对不上，请联系平台核查`}
                </Text>
              )}
              <Text className="section__title settlement__rules-title">按规则</Text>
              {r.rules.length === 0 && <Empty>这个月没有用到优惠。</Empty>}
              {r.rules.map((x) => (
                <View key={x.ruleId} className="table-row settlement__rule">
                  <Text>
                    {x.name}（{funderLabel(x.fundedBy)}）
                  </Text>
                  <Text>
                    {x.count} 笔 {formatYuan(x.amount)}
                  </Text>
                </View>
              ))}
            </View>
          )}
        </Section>
      )}
      <HomeButton />
    </View>
  );
}
