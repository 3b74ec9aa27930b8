/**
 * The WeChat subscribe-message sender's real HTTP client against a local server speaking
 * WeChat's documented format: access_token fetched once and reused, the message body as
 * documented, an expired token fetched again, 43101 (not subscribed) reported, not thrown.
 * Then end to end: a BFF configured with template ids sends an SOS notice to a worker who
 * signed in with WeChat, and still stores it in the in-app list.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Notice } from '../../bff/src/notifications/model';
import { setNotifiers, InAppNotifier } from '../../bff/src/notifications/notifier';
import { WechatSubscribeNotifier } from '../../bff/src/notifications/wechat-subscribe';
import { startTestServer, type TestServer } from '../harness/server';
import { Fixtures } from './fixtures';

interface Call {
  path: string;
  query: Record<string, string>;
  body?: any;
}
const calls: Call[] = [];
let tokenSeq = 0;
let expireNext = false;
const notSubscribed = new Set<string>();
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const call: Call = { path: url.pathname, query, ...(raw ? { body: JSON.parse(raw) } : {}) };
      calls.push(call);
      res.setHeader('content-type', 'application/json');
      const send = (o: object) => res.end(JSON.stringify(o));
      if (url.pathname === '/cgi-bin/token') {
        if (query.appid !== 'wx-app' || query.secret !== 's3cret' || query.grant_type !== 'client_credential')
          return send({ errcode: 40013, errmsg: 'invalid appid' });
        return send({ access_token: `TOKEN${++tokenSeq}`, expires_in: 7200 });
      }
      if (url.pathname === '/cgi-bin/message/subscribe/send') {
        if (expireNext) {
          expireNext = false;
          return send({ errcode: 42001, errmsg: 'access_token expired' });
        }
        if (query.access_token !== `TOKEN${tokenSeq}`)
          return send({ errcode: 40001, errmsg: 'invalid credential' });
        if (notSubscribed.has(call.body.touser))
          return send({ errcode: 43101, errmsg: 'user refuse to accept the msg' });
        return send({ errcode: 0, errmsg: 'ok', msgid: 1 });
      }
      res.statusCode = 404;
      send({ errcode: -1, errmsg: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const notice = (userId: string): Notice => ({
  userId,
  kind: 'sos_raised',
  title: '紧急呼叫',
  body: '李秀兰发起了紧急呼叫，请尽快联系社区助老员和家属确认情况',
  refType: 'sos',
  refId: 'abc',
});

function sender(openids: Record<string, string>) {
  return new WechatSubscribeNotifier({
    baseUrl: base,
    appId: 'wx-app',
    appSecret: 's3cret',
    timeoutMs: 2000,
    templates: { sos_raised: 'TPL-SOS' },
    openidOf: async (u) => openids[u] ?? null,
  });
}

test('token once, message in the documented shape, expired token refreshed, 43101 reported', async () => {
  calls.length = 0;
  const s = sender({ u1: 'openid-1', u2: 'openid-2', u3: 'openid-3' });
  notSubscribed.add('openid-3');
  await s.send([notice('u1'), notice('u2'), notice('nobody'), notice('u3')]);
  expect(calls.filter((c) => c.path === '/cgi-bin/token')).toHaveLength(1);
  const sends = calls.filter((c) => c.path === '/cgi-bin/message/subscribe/send');
  expect(sends[0].body).toEqual({
    touser: 'openid-1',
    template_id: 'TPL-SOS',
    page: 'pages/notifications/notifications',
    data: { thing1: { value: '紧急呼叫' }, thing2: { value: '李秀兰发起了紧急呼叫，请尽快联系社区助老' } },
    miniprogram_state: 'formal',
    lang: 'zh_CN',
  });
  expect(s.results.map((r) => [r.userId, r.outcome])).toEqual([
    ['u1', 'sent'],
    ['u2', 'sent'],
    ['nobody', 'no_openid'],
    ['u3', 'not_subscribed'],
  ]);

  expireNext = true;
  await s.send([notice('u1')]);
  expect(s.results.at(-1)).toEqual({ userId: 'u1', outcome: 'sent' });
  expect(calls.filter((c) => c.path === '/cgi-bin/token')).toHaveLength(2);
});

test('a wrong app secret or an unreachable server is a failed send, not an exception', async () => {
  const bad = new WechatSubscribeNotifier({
    baseUrl: base,
    appId: 'wx-app',
    appSecret: 'wrong',
    timeoutMs: 2000,
    templates: { sos_raised: 'TPL-SOS' },
    openidOf: async () => 'openid-1',
  });
  await bad.send([notice('u1')]);
  expect(bad.results).toEqual([{ userId: 'u1', outcome: 'failed', errcode: 40013 }]);
  const down = new WechatSubscribeNotifier({
    baseUrl: 'http://127.0.0.1:1',
    appId: 'wx-app',
    appSecret: 's3cret',
    timeoutMs: 500,
    templates: { sos_raised: 'TPL-SOS' },
    openidOf: async () => 'openid-1',
  });
  await down.send([notice('u1')]);
  expect(down.results[0].outcome).toBe('failed');
});

describe('in the BFF', () => {
  let t: TestServer;
  afterAll(async () => {
    setNotifiers([new InAppNotifier()]);
    await t?.close();
  });

  test('an SOS reaches a WeChat-signed-in worker by subscribe message and in the app', async () => {
    calls.length = 0;
    // code2Session on the same fake server: answer an openid for the worker's code.
    t = await startTestServer({
      wechat: { baseUrl: base, appId: 'wx-app', appSecret: 's3cret', timeoutMs: 2000 },
      wechatTemplates: { sos_raised: 'TPL-SOS' },
    });
    const f = new Fixtures(t);
    const comm = await f.community();
    const worker = await f.user('worker', { communityId: comm.id });
    const elder = await f.elder(worker.token, comm.id);
    const elderLogin = await f.elderAccount(worker.token, elder.id);
    // Give the worker a WeChat identity the way a WeChat sign-in stores it.
    const { Credential } = await import('../../bff/src/accounts/model');
    await Credential.create({ _id: 'wechat:openid-worker', userId: worker.id });

    expect((await t.api.post('/api/sos', { elderId: elder.id }, { token: elderLogin.token })).status).toBe(
      201,
    );
    const sent = calls.filter((c) => c.path === '/cgi-bin/message/subscribe/send');
    expect(sent.map((c) => [c.body.touser, c.body.template_id])).toEqual([['openid-worker', 'TPL-SOS']]);
    const inApp = await t.api.get('/api/notifications', { token: worker.token });
    expect(inApp.body.items.map((n: any) => n.kind)).toEqual(['sos_raised']);
  });
});
