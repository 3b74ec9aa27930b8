import { z } from 'zod';
import type { Api } from '../core/route';
import { handleWechatNotify } from './service';
import type { WechatPay } from './wechat-pay';

export function paymentRoutes(api: Api, deps: { clock: () => Date; pay?: WechatPay }): void {
  api.add({
    method: 'post',
    path: '/api/payments/wechat/notify',
    tag: 'payments',
    summary:
      '微信支付结果通知（验签、解密、核对金额后入账，重复通知只入账一次）；成功 204，失败 4XX {code:"FAIL",message}',
    access: 'public',
    // 204 credited; 401 signature or timestamp refused; 404 payment unknown or WeChat Pay not set up.
    otherStatuses: [204, 401, 404],
    // WeChat reads {code: "FAIL", message}; our usual error object rides along for people.
    errorResponse: z.object({
      code: z.literal('FAIL'),
      message: z.string(),
      error: z.object({ code: z.string(), message: z.string() }),
    }),
    handler: async ({ ctx, setStatus }) => {
      const raw = (ctx.request as { rawBody?: string }).rawBody ?? '';
      const headers = ctx.headers as Record<string, string | undefined>;
      const outcome = await handleWechatNotify(deps.pay, headers, raw, deps.clock());
      setStatus(outcome.status);
      if (outcome.status === 204) return undefined;
      // WeChat's documented failure answer, and this API's error shape beside it.
      return {
        code: 'FAIL',
        message: outcome.message,
        error: { code: outcome.code, message: outcome.message },
      };
    },
  });
}
