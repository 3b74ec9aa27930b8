/**
 * WeChat Pay API v3, the two calls a top-up needs, with Node's own crypto and fetch:
 *
 * - JSAPI prepay: `POST {base}/v3/pay/transactions/jsapi` signed with the merchant key
 *   (`Authorization: WECHATPAY2-SHA256-RSA2048 mchid=…,nonce_str=…,signature=…,timestamp=…,
 *   serial_no=…`; the signed message is `METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY\n`). The answer
 *   `{prepay_id}` is itself signed by the platform (headers Wechatpay-*), checked like a
 *   notification. The page then calls `wx.requestPayment` / `WeixinJSBridge`
 *   `getBrandWCPayRequest` with {appId, timeStamp, nonceStr, package: "prepay_id=…",
 *   signType: "RSA", paySign}, paySign over `appId\ntimeStamp\nnonceStr\npackage\n`.
 * - The payment notification: verify `Wechatpay-Signature` (RSA-SHA256 over
 *   `TIMESTAMP\nNONCE\nBODY\n`) with the platform public key named by `Wechatpay-Serial`,
 *   refuse timestamps more than 5 minutes off, then decrypt `resource` (AEAD_AES_256_GCM,
 *   key = the APIv3 key, iv = resource.nonce, AAD = resource.associated_data, the last 16
 *   bytes of the ciphertext are the tag) into the transaction.
 */
import { createDecipheriv, createSign, createVerify, randomBytes } from 'node:crypto';

export interface WechatPayConfig {
  mchId: string;
  appId: string;
  /** The merchant API certificate's serial number. */
  merchantSerial: string;
  /** The merchant private key, PEM. */
  privateKey: string;
  /** 32 ASCII characters. */
  apiV3Key: string;
  /** WeChat Pay's platform public key (or certificate), PEM, and its serial / key id. */
  platformPublicKey: string;
  platformSerial: string;
  notifyUrl: string;
  baseUrl: string;
  timeoutMs: number;
}

export class WechatPayError extends Error {
  constructor(
    readonly kind: 'rejected' | 'unavailable' | 'forged',
    message: string,
  ) {
    super(message);
  }
}

export interface Transaction {
  appid: string;
  mchid: string;
  out_trade_no: string;
  transaction_id: string;
  trade_state: string;
  amount: { total: number; currency?: string; payer_total?: number };
  payer?: { openid?: string };
  success_time?: string;
}

export interface Prepay {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

const MAX_SKEW_S = 300;
const nonce = () => randomBytes(16).toString('hex');

function rsaSign(privateKey: string, message: string): string {
  return createSign('RSA-SHA256').update(message).sign(privateKey, 'base64');
}

export class WechatPay {
  constructor(
    readonly config: WechatPayConfig,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The `Authorization` header for one request. */
  authorization(method: string, pathAndQuery: string, body: string): string {
    const timestamp = String(Math.floor(this.now().getTime() / 1000));
    const nonceStr = nonce();
    const signature = rsaSign(
      this.config.privateKey,
      `${method}\n${pathAndQuery}\n${timestamp}\n${nonceStr}\n${body}\n`,
    );
    const { mchId, merchantSerial } = this.config;
    return `WECHATPAY2-SHA256-RSA2048 mchid="${mchId}",nonce_str="${nonceStr}",signature="${signature}",timestamp="${timestamp}",serial_no="${merchantSerial}"`;
  }

  /** Checks a message signed by the platform (a notification or an API answer); throws 'forged'. */
  verify(headers: Record<string, string | undefined>, body: string): void {
    const timestamp = headers['wechatpay-timestamp'];
    const nonceStr = headers['wechatpay-nonce'];
    const signature = headers['wechatpay-signature'];
    const serial = headers['wechatpay-serial'];
    if (!timestamp || !nonceStr || !signature || !serial)
      throw new WechatPayError('forged', '缺少微信支付签名');
    if (serial !== this.config.platformSerial)
      throw new WechatPayError('forged', '微信支付平台证书序列号不符');
    const ts = Number(timestamp);
    if (!/^\d+$/.test(timestamp) || Math.abs(this.now().getTime() / 1000 - ts) > MAX_SKEW_S)
      throw new WechatPayError('forged', '微信支付签名已过期');
    let ok: boolean;
    try {
      ok = createVerify('RSA-SHA256')
        .update(`${timestamp}\n${nonceStr}\n${body}\n`)
        .verify(this.config.platformPublicKey, signature, 'base64');
    } catch {
      ok = false; // a malformed signature
    }
    if (!ok) throw new WechatPayError('forged', '微信支付签名不正确');
  }

  /** Decrypts a notification's `resource`; a tampered one fails its GCM tag → 'forged'. */
  decrypt(resource: {
    algorithm?: unknown;
    ciphertext?: unknown;
    nonce?: unknown;
    associated_data?: unknown;
  }): unknown {
    if (
      resource.algorithm !== 'AEAD_AES_256_GCM' ||
      typeof resource.ciphertext !== 'string' ||
      typeof resource.nonce !== 'string'
    )
      throw new WechatPayError('forged', '通知内容格式不正确');
    try {
      const data = Buffer.from(resource.ciphertext, 'base64');
      if (data.length <= 16) throw new Error('short');
      const decipher = createDecipheriv(
        'aes-256-gcm',
        Buffer.from(this.config.apiV3Key, 'utf8'),
        Buffer.from(resource.nonce, 'utf8'),
      );
      decipher.setAuthTag(data.subarray(data.length - 16));
      decipher.setAAD(
        Buffer.from(typeof resource.associated_data === 'string' ? resource.associated_data : '', 'utf8'),
      );
      const plain = Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]);
      return JSON.parse(plain.toString('utf8'));
    } catch {
      throw new WechatPayError('forged', '通知内容无法解密');
    }
  }

  /** Verifies and decrypts a payment notification (headers lower-cased, the raw body). */
  parseNotification(
    headers: Record<string, string | undefined>,
    rawBody: string,
  ): { eventType: string; transaction: Transaction } {
    this.verify(headers, rawBody);
    let body: { event_type?: unknown; resource?: Record<string, unknown> };
    try {
      body = JSON.parse(rawBody) as typeof body;
    } catch {
      throw new WechatPayError('forged', '通知内容不是 JSON');
    }
    if (!body.resource || typeof body.resource !== 'object')
      throw new WechatPayError('forged', '通知缺少 resource');
    const transaction = this.decrypt(body.resource) as Transaction;
    if (
      !transaction ||
      typeof transaction.out_trade_no !== 'string' ||
      typeof transaction.amount?.total !== 'number'
    )
      throw new WechatPayError('forged', '通知内容不完整');
    return { eventType: String(body.event_type ?? ''), transaction };
  }

  /** Creates a JSAPI order and returns the parameters the page pays with. */
  async jsapiPrepay(order: {
    outTradeNo: string;
    description: string;
    total: number;
    openid: string;
  }): Promise<Prepay> {
    const path = '/v3/pay/transactions/jsapi';
    const body = JSON.stringify({
      appid: this.config.appId,
      mchid: this.config.mchId,
      description: order.description,
      out_trade_no: order.outTradeNo,
      notify_url: this.config.notifyUrl,
      amount: { total: order.total, currency: 'CNY' },
      payer: { openid: order.openid },
    });
    let res: Response;
    let text: string;
    try {
      res = await fetch(new URL(path, this.config.baseUrl), {
        method: 'POST',
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/json',
          'User-Agent': 'yiyangtong-bff',
          Authorization: this.authorization('POST', path, body),
        },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      text = await res.text();
    } catch {
      throw new WechatPayError('unavailable', '微信支付暂时无法连接');
    }
    if (res.status >= 500)
      throw new WechatPayError('unavailable', `微信支付暂时不可用（HTTP ${res.status}）`);
    if (!res.ok) {
      let message = '';
      try {
        message = String((JSON.parse(text) as { message?: unknown }).message ?? '');
      } catch {
        /* not JSON */
      }
      throw new WechatPayError('rejected', `微信支付拒绝了下单${message ? `：${message}` : ''}`);
    }
    const headers: Record<string, string | undefined> = {};
    for (const name of ['wechatpay-timestamp', 'wechatpay-nonce', 'wechatpay-signature', 'wechatpay-serial'])
      headers[name] = res.headers.get(name) ?? undefined;
    this.verify(headers, text);
    const prepayId = (JSON.parse(text) as { prepay_id?: unknown }).prepay_id;
    if (typeof prepayId !== 'string' || !prepayId)
      throw new WechatPayError('unavailable', '微信支付未返回预支付单号');
    return this.payParams(prepayId);
  }

  /** The signed parameters of `wx.requestPayment` / `getBrandWCPayRequest` for one prepay id. */
  payParams(prepayId: string): Prepay {
    const appId = this.config.appId;
    const timeStamp = String(Math.floor(this.now().getTime() / 1000));
    const nonceStr = nonce();
    const pkg = `prepay_id=${prepayId}`;
    return {
      appId,
      timeStamp,
      nonceStr,
      package: pkg,
      signType: 'RSA',
      paySign: rsaSign(this.config.privateKey, `${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`),
    };
  }
}
