/**
 * Family top-ups by WeChat Pay (亲情付): a payment document, a JSAPI prepay, and the credit
 * when WeChat's signed notification arrives — once, however often it is retried (the
 * entry's `_id` is `topup:<out_trade_no>`, see ../cards/ledger.ts).
 */
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import type { Actor } from '../core/auth';
import { AppError, conflict } from '../core/errors';
import { isDuplicateKeyError } from '../db';
import { recordAudit } from '../audit/record';
import { applyEntry, recordEntry } from '../cards/ledger';
import { Elder } from '../elders/model';
import { openidOf } from '../notifications/setup';
import { IdempotencyKey } from '../core/idempotency';
import { WechatPayment, type WechatPaymentDoc } from './model';
import { WechatPay, WechatPayError, type Prepay, type Transaction } from './wechat-pay';

export const paymentUnavailable = () =>
  new AppError(409, 'PAYMENT_UNAVAILABLE', '微信支付暂未开通，请到社区服务站用现金充值');

export async function startWechatTopup(
  pay: WechatPay | undefined,
  actor: Actor,
  elder: { _id: unknown; name: string },
  amount: number,
  key: string,
): Promise<{ paymentId: string; prepay: Prepay; replayed: boolean }> {
  if (!pay) throw paymentUnavailable();
  const elderId = String(elder._id);
  const keyId = `topup:${actor.id}:${key}`;
  const requestHash = createHash('sha256').update(JSON.stringify({ elderId, amount })).digest('hex');
  const paymentId = `TU${new mongoose.Types.ObjectId().toHexString()}`;
  try {
    await IdempotencyKey.create({ _id: keyId, requestHash, orderId: paymentId });
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    const existing = await IdempotencyKey.findById(keyId).lean();
    if (existing && existing.requestHash !== requestHash)
      throw conflict('IDEMPOTENCY_KEY_REUSED', '这个 Idempotency-Key 已用于另一笔不同的充值');
    const payment = existing && (await WechatPayment.findById(existing.orderId).lean<WechatPaymentDoc>());
    if (!payment?.prepayId) throw conflict('REQUEST_IN_PROGRESS', '相同的充值正在处理中，请稍后再试');
    return { paymentId: payment._id, prepay: pay.payParams(payment.prepayId), replayed: true };
  }
  const openid = await openidOf(actor.id);
  const release = () => IdempotencyKey.deleteOne({ _id: keyId }).catch(() => undefined);
  if (!openid) {
    await release();
    throw conflict('WECHAT_NOT_BOUND', '请先用微信登录颐养通，再用微信充值');
  }
  await WechatPayment.create({
    _id: paymentId,
    elderId,
    amount,
    by: { userId: actor.id, role: actor.role, name: actor.name },
    status: 'created',
  });
  try {
    const prepay = await pay.jsapiPrepay({
      outTradeNo: paymentId,
      description: `颐养通助餐卡充值-${elder.name}`.slice(0, 127),
      total: amount,
      openid,
    });
    const prepayId = prepay.package.slice('prepay_id='.length);
    await WechatPayment.updateOne({ _id: paymentId }, { $set: { status: 'prepaid', prepayId } });
    return { paymentId, prepay, replayed: false };
  } catch (err) {
    await WechatPayment.updateOne({ _id: paymentId }, { $set: { status: 'failed' } }).catch(() => undefined);
    await release();
    if (err instanceof WechatPayError)
      throw new AppError(
        409,
        err.kind === 'rejected' ? 'PAYMENT_REJECTED' : 'PAYMENT_UNAVAILABLE',
        err.message,
      );
    throw err;
  }
}

export type NotifyOutcome = { status: 204 } | { status: 400 | 401 | 404; code: string; message: string };

/** Handles one notification: verified, decrypted, checked against our payment, credited once. */
export async function handleWechatNotify(
  pay: WechatPay | undefined,
  headers: Record<string, string | undefined>,
  rawBody: string,
  now: Date,
): Promise<NotifyOutcome> {
  if (!pay) return { status: 404, code: 'PAYMENT_UNAVAILABLE', message: '未开通微信支付' };
  let transaction: Transaction;
  try {
    ({ transaction } = pay.parseNotification(headers, rawBody));
  } catch (err) {
    if (err instanceof WechatPayError)
      return { status: 401, code: 'SIGNATURE_INVALID', message: err.message };
    throw err;
  }
  if (transaction.mchid !== pay.config.mchId || transaction.appid !== pay.config.appId)
    return { status: 400, code: 'WRONG_MERCHANT', message: '商户号或应用号不符' };
  const payment = /^TU[0-9a-f]{24}$/.test(transaction.out_trade_no)
    ? await WechatPayment.findById(transaction.out_trade_no).lean<WechatPaymentDoc>()
    : null;
  if (!payment) return { status: 404, code: 'ORDER_NOT_FOUND', message: '没有这笔充值' };
  // Only a paid transaction credits; other states are acknowledged and change nothing.
  if (transaction.trade_state !== 'SUCCESS') return { status: 204 };
  if (transaction.amount.total !== payment.amount)
    return { status: 400, code: 'AMOUNT_MISMATCH', message: '支付金额与充值金额不符' };
  const { entry, created } = await recordEntry({
    _id: `topup:${payment._id}`,
    elderId: payment.elderId,
    kind: 'topup',
    amount: payment.amount,
    by: payment.by,
    method: 'wechat',
    paymentId: payment._id,
    at: now,
  });
  const outcome = await applyEntry(entry);
  if (created) {
    // The family member paid; WeChat only told us. On the log once (retries find the entry).
    const elder = await Elder.findById(payment.elderId, { communityId: 1 }).lean();
    await recordAudit(
      { id: payment.by.userId, role: payment.by.role, name: payment.by.name ?? '' },
      {
        action: 'meal_card.topup',
        targetType: 'meal_card',
        targetId: payment.elderId,
        ...(elder?.communityId ? { communityId: elder.communityId } : {}),
        changes: [{ field: 'balance', before: outcome.balance - payment.amount, after: outcome.balance }],
        reason: `微信支付充值 ¥${(payment.amount / 100).toFixed(2)}（交易 ${transaction.transaction_id}）`,
      },
    );
  }
  if (payment.status !== 'paid')
    await WechatPayment.updateOne(
      { _id: payment._id },
      { $set: { status: 'paid', transactionId: transaction.transaction_id } },
    );
  return { status: 204 };
}
