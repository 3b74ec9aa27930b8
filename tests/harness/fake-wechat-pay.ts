/**
 * A local WeChat Pay v3 (and code2Session) that speaks the documented formats, so the BFF's
 * real HTTP client and notification handler run against it:
 *
 * - `POST /v3/pay/transactions/jsapi`: checks the merchant's `WECHATPAY2-SHA256-RSA2048`
 *   signature with the merchant public key, answers `{prepay_id}` signed with the platform
 *   key (Wechatpay-Timestamp/Nonce/Signature/Serial);
 * - `GET /sns/jscode2session?js_code=…`: openid `openid-<code>` (WeChat login);
 * - `pay(params)`: what the phone does after `wx.requestPayment`: checks the paySign, then
 *   sends the signed, AES-256-GCM-encrypted `TRANSACTION.SUCCESS` notification to the
 *   order's notify_url, as WeChat does, and returns the BFF's answer.
 *
 * Keys are generated per instance (RSA 2048 for merchant and platform, a 32-character APIv3 key).
 */
import {
  createCipheriv,
  createSign,
  createVerify,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
} from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WechatPayConfig } from '../../bff/src/payments/wechat-pay';

const pem = () =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

export interface FakeOrder {
  appid: string;
  mchid: string;
  out_trade_no: string;
  notify_url: string;
  amount: { total: number; currency: string };
  payer: { openid: string };
  description: string;
  prepayId: string;
}

export interface SignedNotification {
  headers: Record<string, string>;
  body: string;
}

export class FakeWechatPay {
  readonly merchant = pem();
  readonly platform = pem();
  readonly apiV3Key = randomBytes(16).toString('hex'); // 32 ASCII characters
  readonly mchId = '1900000109';
  readonly appId = 'wx-test-appid';
  readonly merchantSerial = 'MERCHANT-SERIAL-1';
  readonly platformSerial = 'PUB_KEY_ID_0000000001';
  readonly orders = new Map<string, FakeOrder>();
  readonly requests: { path: string; authorizationOk: boolean }[] = [];
  private server?: http.Server;
  baseUrl = '';
  /** Where notifications go when an order's notify_url is not reachable from here (tests set it). */
  notifyUrlOverride?: string;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.baseUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    const closed = new Promise((r) => this.server!.close(r));
    this.server.closeAllConnections();
    await closed;
  }

  /** The BFF's `wechatPay` configuration for this fake. */
  config(notifyUrl: string): WechatPayConfig {
    return {
      mchId: this.mchId,
      appId: this.appId,
      merchantSerial: this.merchantSerial,
      privateKey: this.merchant.privateKey,
      apiV3Key: this.apiV3Key,
      platformPublicKey: this.platform.publicKey,
      platformSerial: this.platformSerial,
      notifyUrl,
      baseUrl: this.baseUrl,
      timeoutMs: 5000,
    };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (req.method === 'GET' && url.pathname === '/sns/jscode2session') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ openid: `openid-${url.searchParams.get('js_code')}`, session_key: 'k' }));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/v3/pay/transactions/jsapi') {
      const ok = this.checkAuthorization(String(req.headers.authorization ?? ''), 'POST', url.pathname, body);
      this.requests.push({ path: url.pathname, authorizationOk: ok });
      if (!ok) return this.answer(res, 401, { code: 'SIGN_ERROR', message: '签名错误' });
      const order = JSON.parse(body) as Omit<FakeOrder, 'prepayId'>;
      if (order.mchid !== this.mchId || order.appid !== this.appId || !order.payer?.openid)
        return this.answer(res, 400, { code: 'PARAM_ERROR', message: '参数错误' });
      const prepayId = `wx${Date.now()}${randomBytes(6).toString('hex')}`;
      this.orders.set(prepayId, { ...order, prepayId });
      return this.answer(res, 200, { prepay_id: prepayId });
    }
    this.answer(res, 404, { code: 'NOT_FOUND', message: 'no such API' });
  }

  private answer(res: http.ServerResponse, status: number, data: unknown): void {
    const body = JSON.stringify(data);
    res.writeHead(status, { 'Content-Type': 'application/json', ...this.sign(body) });
    res.end(body);
  }

  /** Wechatpay-* headers over `body`, signed with the platform key (or `key`), at `timestamp`. */
  sign(
    body: string,
    opts: { key?: string; timestamp?: number; serial?: string } = {},
  ): Record<string, string> {
    const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString('hex');
    const signature = createSign('RSA-SHA256')
      .update(`${timestamp}\n${nonce}\n${body}\n`)
      .sign(opts.key ?? this.platform.privateKey, 'base64');
    return {
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Signature': signature,
      'Wechatpay-Serial': opts.serial ?? this.platformSerial,
    };
  }

  private checkAuthorization(header: string, method: string, path: string, body: string): boolean {
    const m = /^WECHATPAY2-SHA256-RSA2048 (.*)$/.exec(header);
    if (!m) return false;
    const fields = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (fields.mchid !== this.mchId || fields.serial_no !== this.merchantSerial) return false;
    return createVerify('RSA-SHA256')
      .update(`${method}\n${path}\n${fields.timestamp}\n${fields.nonce_str}\n${body}\n`)
      .verify(this.merchant.publicKey, fields.signature, 'base64');
  }

  /** Checks `wx.requestPayment` parameters as WeChat would: the paySign by the merchant key. */
  checkPaySign(p: {
    appId: string;
    timeStamp: string;
    nonceStr: string;
    package: string;
    paySign: string;
  }): boolean {
    return createVerify('RSA-SHA256')
      .update(`${p.appId}\n${p.timeStamp}\n${p.nonceStr}\n${p.package}\n`)
      .verify(this.merchant.publicKey, p.paySign, 'base64');
  }

  /** The encrypted `resource` of a transaction notification. */
  encrypt(plain: unknown, key = this.apiV3Key) {
    const nonce = randomBytes(6).toString('hex'); // 12 ASCII characters, as WeChat sends
    const associated = 'transaction';
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(key, 'utf8'), Buffer.from(nonce, 'utf8'));
    cipher.setAAD(Buffer.from(associated, 'utf8'));
    const data = Buffer.concat([
      cipher.update(JSON.stringify(plain), 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: data.toString('base64'),
      associated_data: associated,
      nonce,
    };
  }

  /** The documented transaction of a paid order (overrides: tampering tests). */
  transaction(order: FakeOrder, overrides: Record<string, unknown> = {}) {
    return {
      mchid: order.mchid,
      appid: order.appid,
      out_trade_no: order.out_trade_no,
      transaction_id: `4200000000${order.prepayId.slice(-12)}`,
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'OTHERS',
      attach: '',
      success_time: new Date().toISOString(),
      payer: { openid: order.payer.openid },
      amount: {
        total: order.amount.total,
        payer_total: order.amount.total,
        currency: 'CNY',
        payer_currency: 'CNY',
      },
      ...overrides,
    };
  }

  /** A signed TRANSACTION.SUCCESS notification for `order`. */
  notification(order: FakeOrder, overrides: Record<string, unknown> = {}): SignedNotification {
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: new Date().toISOString(),
      resource_type: 'encrypt-resource',
      event_type: 'TRANSACTION.SUCCESS',
      summary: '支付成功',
      resource: this.encrypt(this.transaction(order, overrides)),
    });
    return { headers: this.sign(body), body };
  }

  /** Sends a notification to the order's notify_url; returns WeChat's view of the answer. */
  async deliver(order: FakeOrder, n: SignedNotification): Promise<{ status: number; body: string }> {
    const res = await fetch(this.notifyUrlOverride ?? order.notify_url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...n.headers },
      body: n.body,
    });
    return { status: res.status, body: await res.text() };
  }

  orderOf(pkg: string): FakeOrder {
    const order = this.orders.get(pkg.replace(/^prepay_id=/, ''));
    if (!order) throw new Error(`no prepay order ${pkg}`);
    return order;
  }

  /** What the phone does after `wx.requestPayment`: WeChat checks the paySign, then notifies. */
  async pay(params: {
    appId: string;
    timeStamp: string;
    nonceStr: string;
    package: string;
    paySign: string;
  }): Promise<{ status: number; body: string }> {
    if (!this.checkPaySign(params) || params.appId !== this.appId) throw new Error('paySign does not verify');
    const order = this.orderOf(params.package);
    return this.deliver(order, this.notification(order));
  }
}
