import mongoose, { Schema } from 'mongoose';
import type { Role } from '@yiyangtong/shared';

/**
 * A WeChat Pay top-up, `_id` = our out_trade_no (`TU` + 24 hex). Created before the prepay
 * call; the card is credited by the signed notification, as entry `topup:<_id>` (once).
 */
export interface WechatPaymentDoc {
  _id: string;
  elderId: string;
  amount: number;
  by: { userId: string; role: Role; name?: string };
  status: 'created' | 'prepaid' | 'paid' | 'failed';
  prepayId?: string;
  transactionId?: string;
  createdAt: Date;
}
export const WechatPayment = mongoose.model<WechatPaymentDoc>(
  'WechatPayment',
  new Schema<WechatPaymentDoc>(
    {
      _id: String,
      elderId: String,
      amount: Number,
      by: new Schema({ userId: String, role: String, name: String }, { _id: false }),
      status: String,
      prepayId: String,
      transactionId: String,
    },
    { timestamps: { createdAt: true, updatedAt: false }, versionKey: false },
  ),
  'wechat_payments',
);
