/**
 * The month's settlement as files for the finance office: an XLSX (「结算汇总」 and 「补贴明细」) and
 * a CSV of the subsidy lines, from the same sums as the JSON settlement (shared/src/settlement.ts).
 * Amounts in yuan with two decimals; ID numbers masked (whoever downloads).
 */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import {
  chinaDate,
  FUNDER_NAMES,
  fenToYuanText,
  maskIdCardNo,
  SettlementQuerySchema,
  settlementSums,
  SLOT_LABELS,
  type SettlementOrder,
  type SettlementSums,
} from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { FileBody, type Api } from '../core/route';
import { idCardCipher } from '../elders/idcard-crypto';
import { Elder, type ElderDoc } from '../elders/model';
import type { MealOrderDoc } from '../orders/model';
import { assertStaffOf, findCanteen } from '../places/service';
import { ordersOfCanteenMonth } from '../orders/queries';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const CSV_TYPE = 'text/csv; charset=utf-8';

export function settlementOrder(o: MealOrderDoc): SettlementOrder {
  return {
    id: String(o._id),
    date: o.date,
    slot: o.slot,
    elderId: o.elderId,
    elderName: o.elderName,
    status: o.status,
    pricing: o.pricing,
  };
}

interface MonthData {
  canteenName: string;
  month: string;
  sums: SettlementSums;
  /** elderId → the ID number masked ('' when the elder is gone). */
  maskedIds: Map<string, string>;
}

async function monthData(actor: Actor, canteenId: string, month: string): Promise<MonthData> {
  assertStaffOf(actor, canteenId);
  const canteen = await findCanteen(canteenId);
  // One equality key per canteen and month (index-backed), as the JSON settlement.
  const orders = await ordersOfCanteenMonth(canteenId, month);
  const sums = settlementSums(orders.map(settlementOrder));
  // Each elder read once by _id (an $in list is not index-backed on FerretDB), a few at a time.
  const elderIds = [...new Set(sums.lines.map((l) => l.elderId))];
  const maskedIds = new Map<string, string>();
  for (let i = 0; i < elderIds.length; i += 16) {
    const batch = elderIds.slice(i, i + 16);
    const elders = await Promise.all(batch.map((id) => Elder.findById(id).lean<ElderDoc>()));
    elders.forEach((e, k) =>
      maskedIds.set(batch[k], e ? maskIdCardNo(idCardCipher().open(e.idCardEnc)) : ''),
    );
  }
  return { canteenName: canteen.name, month, sums, maskedIds };
}

const monthWords = (month: string) => `${Number(month.slice(0, 4))}年${Number(month.slice(5))}月`;
/** Fen → a yuan number for a cell formatted '0.00' (exact to the fen once rounded to 2 places). */
const yuan = (fen: number) => Math.round(fen) / 100;
const MONEY = '0.00';

const DETAIL_HEADERS = [
  '日期',
  '餐次',
  '食堂',
  '长者',
  '身份证号（脱敏）',
  '补贴规则',
  '补贴金额（元）',
  '出资方',
  '订单号',
];

export async function settlementWorkbook(d: MonthData, generatedAt: Date): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = '颐养通';
  wb.created = generatedAt;
  const sum = wb.addWorksheet('结算汇总', { views: [{ state: 'frozen', ySplit: 0 }] });
  sum.columns = [{ width: 30 }, { width: 14 }, { width: 12 }, { width: 18 }];
  const title = sum.addRow([`${d.canteenName} ${monthWords(d.month)} 助餐结算`]);
  title.font = { bold: true, size: 16 };
  sum.addRow([`生成日期：${chinaDate(generatedAt)}（金额单位：元；已取消的订单不计）`]);
  sum.addRow([]);
  const heading = (cells: string[]) => {
    const row = sum.addRow(cells);
    row.font = { bold: true };
    return row;
  };
  const money = (row: ExcelJS.Row, col: number) => {
    row.getCell(col).numFmt = MONEY;
  };
  heading(['按补贴规则', '出资方', '笔数', '补贴金额（元）']);
  for (const r of d.sums.rules)
    money(sum.addRow([r.name, FUNDER_NAMES[r.fundedBy], r.count, yuan(r.amount)]), 4);
  const ruleTotal = sum.addRow([
    '合计',
    '',
    d.sums.rules.reduce((n, r) => n + r.count, 0),
    yuan(d.sums.rules.reduce((n, r) => n + r.amount, 0)),
  ]);
  ruleTotal.font = { bold: true };
  money(ruleTotal, 4);
  sum.addRow([]);
  heading(['按出资方', '', '笔数', '金额（元）']);
  for (const f of d.sums.funders)
    money(sum.addRow([FUNDER_NAMES[f.fundedBy], '', f.count, yuan(f.amount)]), 4);
  const funderTotal = sum.addRow([
    '合计',
    '',
    d.sums.funders.reduce((n, f) => n + f.count, 0),
    yuan(d.sums.subsidies),
  ]);
  funderTotal.font = { bold: true };
  money(funderTotal, 4);
  sum.addRow([]);
  heading(['订单', '', '', '金额（元）']);
  sum.addRow(['结算订单数', '', d.sums.orders]);
  money(sum.addRow(['菜品金额合计', '', '', yuan(d.sums.subtotal)]), 4);
  money(sum.addRow(['补贴合计', '', '', yuan(d.sums.subsidies)]), 4);
  money(sum.addRow(['配送费合计', '', '', yuan(d.sums.deliveryFees)]), 4);
  money(sum.addRow(['长者应付合计', '', '', yuan(d.sums.payable)]), 4);

  const detail = wb.addWorksheet('补贴明细', { views: [{ state: 'frozen', ySplit: 1 }] });
  detail.columns = [12, 8, 20, 10, 22, 26, 16, 12, 28].map((width) => ({ width }));
  detail.addRow(DETAIL_HEADERS).font = { bold: true };
  for (const l of d.sums.lines) {
    detail.addRow([
      l.date,
      SLOT_LABELS[l.slot],
      d.canteenName,
      l.elderName,
      d.maskedIds.get(l.elderId) ?? '',
      l.ruleName,
      yuan(l.amount),
      FUNDER_NAMES[l.fundedBy],
      l.orderId,
    ]);
  }
  detail.getColumn(7).numFmt = MONEY;
  const total = detail.addRow(['合计', '', '', '', '', '', yuan(d.sums.subsidies)]);
  total.font = { bold: true };
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The subsidy lines as CSV: UTF-8 with a BOM, so Excel opens the Chinese as Chinese; no total row. */
export function settlementCsv(d: MonthData): Buffer {
  const rows = d.sums.lines.map((l) => [
    l.date,
    SLOT_LABELS[l.slot],
    d.canteenName,
    l.elderName,
    d.maskedIds.get(l.elderId) ?? '',
    l.ruleName,
    fenToYuanText(l.amount),
    FUNDER_NAMES[l.fundedBy],
    l.orderId,
  ]);
  const text = stringify([DETAIL_HEADERS, ...rows], { record_delimiter: '\r\n' });
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
}

export function settlementExportRoutes(api: Api): void {
  api.add({
    method: 'get',
    path: '/api/reports/settlement.xlsx',
    tag: 'reports',
    summary:
      '下载月度结算 Excel：「结算汇总」（按规则、按出资方及合计）与「补贴明细」（每笔补贴），金额单位元',
    access: ['admin', 'canteen_staff'],
    otherStatuses: [404],
    query: SettlementQuerySchema,
    produces: { type: XLSX_TYPE, filename: ({ query }) => `settlement-${query.month}.xlsx` },
    handler: async ({ query, actor }) => {
      const d = await monthData(actor, query.canteenId, query.month);
      return new FileBody(
        await settlementWorkbook(d, new Date()),
        `${d.canteenName}${monthWords(d.month)}结算.xlsx`,
        `settlement-${d.month}.xlsx`,
      );
    },
  });

  api.add({
    method: 'get',
    path: '/api/reports/settlement.csv',
    tag: 'reports',
    summary: '下载月度结算补贴明细 CSV（UTF-8 带 BOM，金额单位元）',
    access: ['admin', 'canteen_staff'],
    otherStatuses: [404],
    query: SettlementQuerySchema,
    produces: { type: CSV_TYPE, filename: ({ query }) => `settlement-${query.month}.csv` },
    handler: async ({ query, actor }) => {
      const d = await monthData(actor, query.canteenId, query.month);
      return new FileBody(
        settlementCsv(d),
        `${d.canteenName}${monthWords(d.month)}补贴明细.csv`,
        `settlement-${d.month}.csv`,
      );
    },
  });
}
