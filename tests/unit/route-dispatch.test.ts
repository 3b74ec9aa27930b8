/**
 * The Api's routes are split by resource (`/api/canteens`, `/api/elders`…) so a request is only
 * tested against its resource's patterns: each path still reaches its own handler, a literal
 * beats a parameter, another method gets 405 with `Allow`, and a path no resource owns is not
 * found. A route whose resource is a parameter could never be found: refused when declared.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { errorHandler } from '../../bff/src/core/errors';
import { Api } from '../../bff/src/core/route';
import { createLogger } from '../../bff/src/log';

let server: http.Server;
let base: string;

beforeAll(async () => {
  const api = new Api();
  const route = (method: 'get' | 'post', path: string, name: string) =>
    api.add({ method, path, tag: 't', summary: 's', access: 'public', handler: () => ({ name }) });
  route('get', '/api/rooms/free', 'free'); // a literal before the parameter beside it, as the app declares them
  route('get', '/api/rooms/:id', 'room');
  route('post', '/api/rooms', 'create');
  route('get', '/api/keys/:id', 'key');
  const app = new Koa();
  app.use(errorHandler(createLogger('silent')));
  app.use(api.router.routes);
  app.use(api.router.allowedMethods);
  app.use((ctx) => {
    ctx.status = 404; // what follows the routes in the app: its own 404
    ctx.body = { name: 'not here' };
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const call = async (method: string, path: string) => {
  const res = await fetch(base + path, { method });
  return { status: res.status, allow: res.headers.get('allow'), body: await res.json() };
};

test('each path reaches its own handler, a literal segment before a parameter', async () => {
  expect((await call('GET', '/api/rooms/7')).body).toEqual({ name: 'room' });
  expect((await call('GET', '/api/rooms/free')).body).toEqual({ name: 'free' });
  expect((await call('POST', '/api/rooms')).body).toEqual({ name: 'create' });
  expect((await call('GET', '/api/keys/7')).body).toEqual({ name: 'key' });
});

test('another method on a known path is 405 with the methods it has; an unknown path is not found', async () => {
  expect(await call('DELETE', '/api/keys/7')).toMatchObject({
    status: 405,
    allow: expect.stringContaining('GET'),
  });
  expect((await call('GET', '/api/rooms')).status).toBe(405);
  expect(await call('GET', '/api/doors/7')).toMatchObject({ status: 404, body: { name: 'not here' } });
  expect(await call('GET', '/other')).toMatchObject({ status: 404, body: { name: 'not here' } });
});

test('a path reads as the router reads it: any case, one trailing slash', async () => {
  expect(await call('GET', '/api/rooms/7/')).toMatchObject({ status: 200, body: { name: 'room' } });
  expect(await call('GET', '/API/Rooms/FREE')).toMatchObject({ status: 200, body: { name: 'free' } });
  expect(await call('POST', '/api/rooms/')).toMatchObject({ status: 200, body: { name: 'create' } });
  expect(await call('DELETE', '/Api/Keys/7/')).toMatchObject({
    status: 405,
    allow: expect.stringContaining('GET'),
  });
});

test('a route whose resource segment is a parameter is refused when declared', () => {
  const api = new Api();
  expect(() =>
    api.add({
      method: 'get',
      path: '/api/:kind/1',
      tag: 't',
      summary: 's',
      access: 'public',
      handler: () => ({}),
    }),
  ).toThrow(/first two segments must be literal/);
});
