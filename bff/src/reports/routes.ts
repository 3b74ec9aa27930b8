import { SettlementQuerySchema, SummaryQuerySchema } from '@yiyangtong/shared';
import { forbidden, validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import { assertStaffOf } from '../menus/routes';
import { MealOrder, type MealOrderDoc } from '../orders/model';
import { findCanteen } from '../places/routes';
import { summary } from './summary';

export function reportRoutes(api: Api): void {
  api.add({
    method: 'get',
    path: '/api/reports/summary',
    tag: 'reports',
    summary:
      '统计：助餐、补贴、上门服务（按状态）、服务时长、满意度、紧急呼叫与响应用时中位数（管理员：全区；助老员：本社区）',
    access: ['admin', 'worker'],
    rules: { 'query.to': '不早于 from，且区间最长一年' },
    query: SummaryQuerySchema,
    handler: async ({ query, actor }) => {
      // Years are four digits: '0412' + 1 must read '0413', or any range would pass.
      if (query.to > `${String(Number(query.from.slice(0, 4)) + 1).padStart(4, '0')}${query.from.slice(4)}`)
        throw validationFailed({ 'query.to': '统计区间最长一年' });
      if (actor.role === 'worker') {
        if (!actor.communityId || (query.communityId && query.communityId !== actor.communityId))
          throw forbidden();
        return summary(query.from, query.to, actor.communityId);
      }
      return summary(query.from, query.to, query.communityId);
    },
  });

  api.add({
    method: 'get',
    path: '/api/reports/settlement',
    tag: 'reports',
    summary: '食堂月度结算：按规则、按出资方的笔数与金额（取自订单中保存的价格明细）',
    access: ['admin', 'canteen_staff'],
    otherStatuses: [404],
    query: SettlementQuerySchema,
    handler: async ({ query, actor }) => {
      assertStaffOf(actor, query.canteenId);
      await findCanteen(query.canteenId);
      // One equality key per canteen and month (index-backed); cancelled orders are not settled.
      const orders = (
        await MealOrder.find({ canteenMonth: `${query.canteenId}:${query.month}` }).lean<MealOrderDoc[]>()
      ).filter((o) => o.status !== 'cancelled');
      const byRule = new Map<
        string,
        { ruleId: string; name: string; fundedBy: string; count: number; amount: number }
      >();
      const byFunder = new Map<string, { fundedBy: string; count: number; amount: number }>();
      let subtotal = 0;
      let payable = 0;
      let deliveryFees = 0;
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
        }
      }
      return {
        canteenId: query.canteenId,
        month: query.month,
        orders: orders.length,
        subtotal,
        deliveryFees,
        payable,
        rules: [...byRule.values()].sort((a, b) => a.ruleId.localeCompare(b.ruleId)),
        funders: [...byFunder.values()].sort((a, b) => a.fundedBy.localeCompare(b.fundedBy)),
        items: [...byRule.values()],
      };
    },
  });
}
