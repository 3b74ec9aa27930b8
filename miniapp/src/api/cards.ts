/** Meal card (助餐卡) endpoints (contract: "Money (meal card, payments)"). Money is integer fen. */
import Taro from '@tarojs/taro';
import { newIdempotencyKey } from './meals';
import { request } from './client';

export type EntryKind = 'topup' | 'payment' | 'refund' | 'adjustment' | 'payout';

export interface CardEntry {
  id: string;
  kind: EntryKind;
  /** signed: payments negative */
  amount: number;
  orderId?: string;
  method?: 'cash' | 'wechat' | 'card' | 'family';
  by: { userId: string; role: string; name?: string };
  at: string;
  /** An adjustment undoing a cash top-up: that entry's id. */
  reverses?: string;
  /** A cash top-up undone by a later adjustment. */
  reversed?: boolean;
}

export interface MealCard {
  elderId: string;
  balance: number;
  entries: CardEntry[];
}

export interface WechatPrepay {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

/** How long the worker who took cash may undo it (the server's window). */
export const CASH_UNDO_MINUTES = 10;

/** Whether `me` may still undo this cash top-up (its taker, not undone, within the window). */
export function canUndoCash(e: CardEntry, myId: string | undefined, now = Date.now()): boolean {
  return (
    e.kind === 'topup' &&
    e.method === 'cash' &&
    !e.reversed &&
    !!myId &&
    e.by.userId === myId &&
    now - Date.parse(e.at) < CASH_UNDO_MINUTES * 60_000
  );
}

export const cardApi = {
  card: (elderId: string) => request<MealCard>('GET', `/api/elders/${encodeURIComponent(elderId)}/card`),
  topupCash: (elderId: string, amount: number, key = newIdempotencyKey()) =>
    request<CardEntry & { balance: number }>(
      'POST',
      `/api/elders/${encodeURIComponent(elderId)}/card/topups`,
      { amount, method: 'cash' },
      { 'Idempotency-Key': key },
    ),
  /** Undo a cash top-up (the worker who took it, within CASH_UNDO_MINUTES): a new −amount entry. */
  reverse: (elderId: string, entryId: string) =>
    request<CardEntry & { balance: number }>(
      'POST',
      `/api/elders/${encodeURIComponent(elderId)}/card/entries/${encodeURIComponent(entryId)}/reverse`,
      {},
    ),
  topupWechat: (elderId: string, amount: number, key = newIdempotencyKey()) =>
    request<{ paymentId: string; amount: number; prepay: WechatPrepay }>(
      'POST',
      `/api/elders/${encodeURIComponent(elderId)}/card/topups`,
      { amount, method: 'wechat' },
      { 'Idempotency-Key': key },
    ),
};

interface Bridge {
  invoke(name: string, params: object, cb: (res: { err_msg?: string }) => void): void;
}
const bridge = (): Bridge | undefined =>
  typeof window === 'undefined'
    ? undefined
    : (window as unknown as { WeixinJSBridge?: Bridge }).WeixinJSBridge;

/**
 * WeChat Pay (JSAPI) works only inside WeChat: `wx.requestPayment` in the mini-program,
 * `WeixinJSBridge` in WeChat's own browser. A plain browser cannot pay this way.
 */
export function canPayByWechat(): boolean {
  if (process.env.TARO_ENV === 'weapp') return true;
  return Boolean(bridge());
}

/** Asks WeChat to pay; resolves when the person paid, rejects with words when not. */
export async function payByWechat(p: WechatPrepay): Promise<void> {
  if (process.env.TARO_ENV === 'weapp') {
    try {
      await Taro.requestPayment({
        timeStamp: p.timeStamp,
        nonceStr: p.nonceStr,
        package: p.package,
        signType: p.signType,
        paySign: p.paySign,
      });
      return;
    } catch (err) {
      const msg = String((err as { errMsg?: string }).errMsg ?? '');
      // The mini-program's ES2020 library has no Error `cause`; errMsg is the whole story here.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(msg.includes('cancel') ? '您取消了支付，没有扣钱' : '微信支付没有完成，没有扣钱');
    }
  }
  const b = bridge();
  if (!b) throw new Error('请在微信里打开颐养通再用微信支付');
  await new Promise<void>((resolve, reject) =>
    b.invoke('getBrandWCPayRequest', { ...p }, (res) => {
      if (res.err_msg === 'get_brand_wcpay_request:ok') resolve();
      else
        reject(
          new Error(
            res.err_msg === 'get_brand_wcpay_request:cancel'
              ? '您取消了支付，没有扣钱'
              : '微信支付没有完成，没有扣钱',
          ),
        );
    }),
  );
}

const KIND_WORDS: Record<EntryKind, string> = {
  topup: '充值',
  payment: '订餐付款',
  refund: '退款',
  adjustment: '调整',
  payout: '余额退还',
};

/** 「充值（微信）」, 「订餐付款」, 「退款（取消订餐）」: what an entry was, in plain words. */
export function entryWords(e: CardEntry): string {
  if (e.kind === 'topup')
    return e.method === 'wechat' ? '充值（微信）' : e.method === 'cash' ? '充值（现金）' : '充值';
  if (e.kind === 'refund') return '退款（取消订餐）';
  if (e.kind === 'adjustment' && e.reverses) return '撤销现金充值';
  if (e.kind === 'payout') return e.method === 'family' ? '余额退还（退给家属）' : '余额退还（现金）';
  return KIND_WORDS[e.kind] ?? e.kind;
}
