import { createHash } from 'node:crypto';
import {
  CardEntryParamsSchema,
  CardQuerySchema,
  IdempotencyHeadersSchema,
  IdParamsSchema,
  TopupBodySchema,
} from '@yiyangtong/shared';
import { AppError, conflict } from '../core/errors';
import type { Api } from '../core/route';
import { recordAudit } from '../audit/record';
import { loadElderFor } from '../elders/access';
import { startWechatTopup } from '../payments/service';
import type { WechatPay } from '../payments/wechat-pay';
import { applyEntry, entryView, recordEntry, statement } from './ledger';
import { reverseCashTopup } from './reverse';

export function cardRoutes(api: Api, deps: { clock: () => Date; pay?: WechatPay }): void {
  api.add({
    method: 'get',
    path: '/api/elders/:id/card',
    tag: 'cards',
    summary: '助餐卡：余额与流水（长者本人、绑定家属、本社区助老员、管理员）；余额等于流水之和',
    access: ['elder', 'family', 'worker', 'admin'],
    otherStatuses: [404],
    params: IdParamsSchema,
    query: CardQuerySchema,
    handler: async ({ params, query, actor }) => {
      await loadElderFor(actor, params.id);
      const s = await statement(params.id, query.month);
      const reversed = new Set(s.entries.map((e) => e.reverses).filter(Boolean));
      return {
        elderId: params.id,
        balance: s.balance,
        ...(query.month ? { month: query.month } : {}),
        entries: s.entries.map((e) => ({
          ...entryView(e, s.inflight),
          ...(reversed.has(e._id) ? { reversed: true } : {}),
        })),
      };
    },
  });

  api.add({
    method: 'post',
    path: '/api/elders/:id/card/topups',
    tag: 'cards',
    summary:
      '充值：助老员/管理员收现金（记录经手人）；家属用微信支付（返回 prepay，收到微信支付通知后入账）；需要 Idempotency-Key',
    access: ['family', 'worker', 'admin'],
    otherStatuses: [200, 404, 409],
    params: IdParamsSchema,
    headers: IdempotencyHeadersSchema,
    body: TopupBodySchema,
    status: 201,
    handler: async ({ params, headers, body, actor, setStatus }) => {
      const elder = await loadElderFor(actor, params.id);
      const key = headers['idempotency-key'];
      if (body.method === 'wechat') {
        if (actor.role !== 'family')
          throw new AppError(403, 'FORBIDDEN', '微信充值由家属在微信里完成；现场收现金请选「现金」');
        const { paymentId, prepay, replayed } = await startWechatTopup(
          deps.pay,
          actor,
          elder,
          body.amount,
          key,
        );
        if (replayed) setStatus(200);
        return { paymentId, amount: body.amount, prepay };
      }
      if (actor.role === 'family')
        throw new AppError(403, 'FORBIDDEN', '现金充值请到社区服务站，由工作人员收款入账');
      const requestHash = createHash('sha256')
        .update(JSON.stringify({ elderId: params.id, amount: body.amount }))
        .digest('hex');
      const { entry, created } = await recordEntry({
        _id: `cash:${actor.id}:${key}`,
        elderId: params.id,
        kind: 'topup',
        amount: body.amount,
        by: { userId: actor.id, role: actor.role, name: actor.name },
        method: 'cash',
        requestHash,
        at: deps.clock(),
      });
      if (!created && entry.requestHash !== requestHash)
        throw conflict('IDEMPOTENCY_KEY_REUSED', '这个 Idempotency-Key 已用于另一笔不同的充值');
      const outcome = await applyEntry(entry);
      if (created)
        await recordAudit(actor, {
          action: 'meal_card.topup',
          targetType: 'meal_card',
          targetId: params.id,
          communityId: elder.communityId,
          changes: [{ field: 'balance', before: outcome.balance - body.amount, after: outcome.balance }],
          reason: `现金充值 ¥${(body.amount / 100).toFixed(2)}（流水 ${entry._id}）`,
        });
      if (!created) setStatus(200);
      return { ...entryView({ ...entry, state: 'applied' }), balance: outcome.balance };
    },
  });

  api.add({
    method: 'post',
    path: '/api/elders/:id/card/entries/:entryId/reverse',
    tag: 'cards',
    summary:
      '撤销现金充值（收款人本人，10 分钟内）：记一笔金额相反的调整（adjustment），原记录不改；再次撤销 → 409',
    access: ['worker', 'admin'],
    otherStatuses: [403, 404, 409],
    params: CardEntryParamsSchema,
    status: 201,
    handler: async ({ params, actor }) => {
      const elder = await loadElderFor(actor, params.id);
      const reversal = await reverseCashTopup(actor, params.id, params.entryId, deps.clock());
      await recordAudit(actor, {
        action: 'meal_card.topup_reversed',
        targetType: 'meal_card',
        targetId: params.id,
        communityId: elder.communityId,
        changes: [{ field: 'balance', before: reversal.balance - reversal.amount, after: reversal.balance }],
        reason: `撤销现金充值（流水 ${params.entryId}）`,
      });
      return reversal;
    },
  });
}
