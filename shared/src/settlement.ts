/**
 * 月度结算: the sums of one canteen's month, from the price breakdowns stored with its orders.
 * One pure function, so the JSON settlement (GET /api/reports/settlement) and its XLSX / CSV
 * downloads give the same totals. Money is integer fen; cancelled orders are not settled.
 */
import type { Funder, Pricing, Slot } from './pricing/types';

export interface SettlementOrder {
  id: string;
  date: string;
  slot: Slot;
  elderId: string;
  elderName: string;
  status: string;
  pricing: Pricing;
}

export interface SettlementRuleLine {
  ruleId: string;
  name: string;
  fundedBy: Funder;
  count: number;
  amount: number;
}

export interface SettlementFunderLine {
  fundedBy: Funder;
  count: number;
  amount: number;
}

/** One subsidy on one order (a line of 补贴明细). */
export interface SubsidyLine {
  orderId: string;
  date: string;
  slot: Slot;
  elderId: string;
  elderName: string;
  ruleId: string;
  ruleName: string;
  fundedBy: Funder;
  amount: number;
}

export interface SettlementSums {
  orders: number;
  subtotal: number;
  deliveryFees: number;
  payable: number;
  /** Σ of every discount: equals Σ rules' and Σ funders' amounts. */
  subsidies: number;
  rules: SettlementRuleLine[];
  funders: SettlementFunderLine[];
  /** By date, slot, elder, then the order of the breakdown. */
  lines: SubsidyLine[];
}

export const FUNDER_NAMES: Record<Funder, string> = { government: '政府补贴', canteen: '食堂优惠' };

const SLOT_ORDER: Record<Slot, number> = { breakfast: 0, lunch: 1, dinner: 2 };

export function settlementSums(monthOrders: readonly SettlementOrder[]): SettlementSums {
  const orders = monthOrders.filter((o) => o.status !== 'cancelled');
  const byRule = new Map<string, SettlementRuleLine>();
  const byFunder = new Map<Funder, SettlementFunderLine>();
  const lines: SubsidyLine[] = [];
  let subtotal = 0;
  let payable = 0;
  let deliveryFees = 0;
  let subsidies = 0;
  for (const o of orders) {
    subtotal += o.pricing.subtotal;
    payable += o.pricing.payable;
    deliveryFees += o.pricing.deliveryFee;
    for (const d of o.pricing.discounts) {
      const r = byRule.get(d.ruleId) ?? {
        ruleId: d.ruleId,
        name: d.name,
        fundedBy: d.fundedBy,
        count: 0,
        amount: 0,
      };
      r.count += 1;
      r.amount += d.amount;
      byRule.set(d.ruleId, r);
      const f = byFunder.get(d.fundedBy) ?? { fundedBy: d.fundedBy, count: 0, amount: 0 };
      f.count += 1;
      f.amount += d.amount;
      byFunder.set(d.fundedBy, f);
      subsidies += d.amount;
      lines.push({
        orderId: o.id,
        date: o.date,
        slot: o.slot,
        elderId: o.elderId,
        elderName: o.elderName,
        ruleId: d.ruleId,
        ruleName: d.name,
        fundedBy: d.fundedBy,
        amount: d.amount,
      });
    }
  }
  // Stable: the breakdown's own order within an order is kept (sort is stable).
  lines.sort(
    (a, b) =>
      a.date.localeCompare(b.date) ||
      SLOT_ORDER[a.slot] - SLOT_ORDER[b.slot] ||
      a.elderName.localeCompare(b.elderName, 'zh') ||
      a.orderId.localeCompare(b.orderId),
  );
  return {
    orders: orders.length,
    subtotal,
    deliveryFees,
    payable,
    subsidies,
    rules: [...byRule.values()].sort((a, b) => a.ruleId.localeCompare(b.ruleId)),
    funders: [...byFunder.values()].sort((a, b) => a.fundedBy.localeCompare(b.fundedBy)),
    lines,
  };
}

/** Fen as yuan with two decimals, e.g. 1250 → "12.50" (exact: no floating point). */
export function fenToYuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
