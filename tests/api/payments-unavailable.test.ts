/** Without WeChat Pay configured, a family top-up by WeChat is a clear 4xx; cash still works. */
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../harness/server';
import { Fixtures } from './fixtures';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ wechatPay: undefined });
});
afterAll(() => t.close());

test('WeChat top-up → 409 PAYMENT_UNAVAILABLE naming the cash desk; notifications are refused', async () => {
  const f = new Fixtures(t);
  const community = await f.community();
  const worker = await f.user('worker', { communityId: community.id });
  const elderId = (await f.elder(worker.token, community.id)).id;
  const family = await f.family();
  await f.link(worker.token, elderId, family);
  const res = await t.api.post(
    `/api/elders/${elderId}/card/topups`,
    { amount: 5000, method: 'wechat' },
    { token: family.token, headers: { 'idempotency-key': randomUUID() } },
  );
  expect(res.status).toBe(409);
  expect(res.body.error.code).toBe('PAYMENT_UNAVAILABLE');
  expect(res.body.error.message).toContain('现金');
  const notify = await t.api.post('/api/payments/wechat/notify', { id: 'x', resource: {} });
  expect(notify.status).toBe(404);
  expect(notify.body.code).toBe('FAIL');
  const cash = await t.api.post(
    `/api/elders/${elderId}/card/topups`,
    { amount: 5000, method: 'cash' },
    { token: worker.token, headers: { 'idempotency-key': randomUUID() } },
  );
  expect(cash.status).toBe(201);
});
