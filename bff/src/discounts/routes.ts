import { z } from 'zod';
import { CreateDiscountRuleBodySchema, IdSchema, validateRule } from '@yiyangtong/shared';
import { validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import { Canteen, objectIdOrNull } from '../places/model';
import { DiscountRuleModel, forgetRules, toRule } from './model';

export function discountRoutes(api: Api): void {
  api.add({
    method: 'post',
    path: '/api/discount-rules',
    tag: 'discounts',
    summary: '新建优惠/补贴规则（管理员）',
    access: ['admin'],
    rules: {
      canteenId: '必须是已有的食堂',
      'benefit.value': 'percent_off 时为 1 到 100',
      maxAge: '不小于 minAge',
      validTo: '不早于 validFrom',
      '(body)': '计价引擎的其他规则',
    },
    body: CreateDiscountRuleBodySchema,
    status: 201,
    handler: async ({ body, actor }) => {
      if (body.canteenId && !(await Canteen.exists({ _id: objectIdOrNull(body.canteenId) }))) {
        throw validationFailed({ canteenId: '食堂不存在' });
      }
      try {
        validateRule({ id: 'new', ...body }); // the engine's own checks, so a stored rule never breaks pricing
      } catch (err) {
        throw validationFailed({ '(body)': err instanceof Error ? err.message : String(err) });
      }
      const doc = await DiscountRuleModel.create({ ...body, active: true, createdBy: actor.id });
      forgetRules();
      return toRule(doc.toObject());
    },
  });

  api.add({
    method: 'get',
    path: '/api/discount-rules',
    tag: 'discounts',
    summary: '优惠/补贴规则列表',
    access: 'signed_in',
    query: z.object({ canteenId: IdSchema.optional() }),
    handler: async ({ query }) => {
      const docs = await DiscountRuleModel.find({}).sort({ priority: -1, _id: 1 }).limit(1000).lean();
      const rules = docs
        .map(toRule)
        .filter((r) => !query.canteenId || !r.canteenId || r.canteenId === query.canteenId);
      return { items: rules };
    },
  });
}
