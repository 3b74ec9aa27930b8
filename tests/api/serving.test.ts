/**
 * What a phone on a slow network gets from the BFF over real HTTP: the H5 app's bundles
 * brotli- or gzip-compressed and cached for a year (their names change with their content),
 * index.html revalidated every visit (304 when unchanged), large JSON compressed, small
 * answers and already-compressed files (images) sent as they are.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Koa from 'koa';
import { compression } from '../../bff/src/core/compression';
import { staticFiles } from '../../bff/src/core/static';
import { decode, rawGet } from '../harness/raw-http';
import { startTestServer, type TestServer } from '../harness/server';

const h5Dir = path.resolve(__dirname, '../../miniapp/dist-h5');

let server: TestServer;
let appJs: string; // e.g. js/app.3847fef8.js
beforeAll(async () => {
  if (!fs.existsSync(path.join(h5Dir, 'index.html')))
    throw new Error('miniapp/dist-h5 is missing: run `npm run build:h5` (npm test builds it)');
  appJs = `js/${fs.readdirSync(path.join(h5Dir, 'js')).find((f) => /^app\.[0-9a-f]+\.js$/.test(f))}`;
  server = await startTestServer();
});
afterAll(() => server.close());

test('the app bundle comes brotli- or gzip-encoded as the browser asks, identical once decoded, cached for a year', async () => {
  const file = fs.readFileSync(path.join(h5Dir, appJs));
  expect(file.length).toBeGreaterThan(10_000);

  const br = await rawGet(`${server.baseUrl}/${appJs}`, { 'accept-encoding': 'gzip, deflate, br' });
  expect(br.status).toBe(200);
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.headers.vary).toMatch(/Accept-Encoding/i);
  expect(br.body.length).toBeLessThan(file.length / 2);
  expect(decode(br).equals(file)).toBe(true);
  expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');

  const gzip = await rawGet(`${server.baseUrl}/${appJs}`, { 'accept-encoding': 'gzip' });
  expect(gzip.headers['content-encoding']).toBe('gzip');
  expect(decode(gzip).equals(file)).toBe(true);
  expect(gzip.headers['cache-control']).toBe('public, max-age=31536000, immutable');

  // A client that asks for nothing gets the file as it is.
  const plain = await rawGet(`${server.baseUrl}/${appJs}`);
  expect(plain.headers['content-encoding']).toBeUndefined();
  expect(plain.body.equals(file)).toBe(true);
});

test('every hashed bundle and stylesheet of the build is immutable; index.html is revalidated (304 when unchanged)', async () => {
  const hashed = ['js', 'css'].flatMap((dir) =>
    fs
      .readdirSync(path.join(h5Dir, dir))
      .filter((f) => /\.(js|css)$/.test(f))
      .map((f) => `${dir}/${f}`),
  );
  expect(hashed.length).toBeGreaterThan(5);
  for (const asset of hashed) {
    const res = await rawGet(`${server.baseUrl}/${asset}`, { 'accept-encoding': 'br' });
    expect({ asset, status: res.status, cache: res.headers['cache-control'] }).toEqual({
      asset,
      status: 200,
      cache: 'public, max-age=31536000, immutable',
    });
  }

  const index = await rawGet(`${server.baseUrl}/`);
  expect(index.status).toBe(200);
  expect(index.headers['cache-control']).toBe('no-cache');
  expect(decode(index).toString()).toContain(appJs.replace('js/', ''));
  const again = await rawGet(`${server.baseUrl}/index.html`, {
    'if-modified-since': String(index.headers['last-modified']),
  });
  expect(again.status).toBe(304);
  expect(again.body.length).toBe(0);
});

test('large JSON is compressed for a client that accepts it; small JSON and errors are not', async () => {
  const big = await rawGet(`${server.baseUrl}/api/openapi.json`, { 'accept-encoding': 'br, gzip' });
  expect(big.status).toBe(200);
  expect(big.headers['content-encoding']).toBe('br');
  const doc = JSON.parse(decode(big).toString('utf8'));
  expect(doc.openapi).toMatch(/^3\./);
  expect(big.body.length).toBeLessThan(decode(big).length / 3);

  const gzipOnly = await rawGet(`${server.baseUrl}/api/openapi.json`, { 'accept-encoding': 'gzip' });
  expect(gzipOnly.headers['content-encoding']).toBe('gzip');
  expect(JSON.parse(decode(gzipOnly).toString('utf8'))).toEqual(doc);

  const none = await rawGet(`${server.baseUrl}/api/openapi.json`);
  expect(none.headers['content-encoding']).toBeUndefined();
  expect(JSON.parse(none.body.toString('utf8'))).toEqual(doc);

  const small = await rawGet(`${server.baseUrl}/api/health`, { 'accept-encoding': 'br, gzip' });
  expect(small.headers['content-encoding']).toBeUndefined();
  expect(JSON.parse(small.body.toString())).toEqual({ ok: true });
  const error = await rawGet(`${server.baseUrl}/api/me`, { 'accept-encoding': 'br, gzip' });
  expect(error.status).toBe(401);
  expect(error.headers['content-encoding']).toBeUndefined();
  expect(JSON.parse(error.body.toString()).error.code).toBeTruthy();
});

test('API answers carry the headers that protect data; the H5 pages also those that only act on a page', async () => {
  const pageOnly = [
    'cross-origin-opener-policy',
    'origin-agent-cluster',
    'referrer-policy',
    'x-dns-prefetch-control',
    'x-download-options',
    'x-permitted-cross-domain-policies',
    'x-xss-protection',
  ];
  const both = {
    'content-security-policy': expect.stringContaining("frame-ancestors 'self'"),
    'strict-transport-security': expect.stringContaining('max-age='),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'SAMEORIGIN',
    'cross-origin-resource-policy': 'same-origin',
  };
  const paths = [
    '/api/health',
    '/API/Health/',
    '/api/me',
    '/api/canteens/000000000000000000000000',
    '/api/nothing',
  ];
  for (const path of paths) {
    const api = await rawGet(`${server.baseUrl}${path}`);
    // The router ignores case and one trailing slash; so does the API's own reading of a path.
    if (path.startsWith('/API')) expect({ path, status: api.status }).toEqual({ path, status: 200 });
    expect(api.headers).toMatchObject(both);
    for (const name of pageOnly)
      expect({ path, name, value: api.headers[name] }).toEqual({ path, name, value: undefined });
  }
  const page = await rawGet(`${server.baseUrl}/`);
  expect(page.headers['content-type']).toMatch(/^text\/html/);
  expect(page.headers).toMatchObject({ ...both, 'referrer-policy': 'no-referrer', 'x-xss-protection': '0' });
  for (const name of pageOnly) expect({ name, set: name in page.headers }).toEqual({ name, set: true });
});

test('already-compressed files (images, woff2) are sent as they are; hashed ones are immutable, others no-cache', async () => {
  // The build has no images today: the same middleware over a folder that has some.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-static-'));
  fs.mkdirSync(path.join(dir, 'static', 'images'), { recursive: true });
  const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(20_000, 7)]);
  fs.writeFileSync(path.join(dir, 'static', 'images', 'meal.5f3a9c1d.png'), png);
  fs.writeFileSync(path.join(dir, 'static', 'font.woff2'), Buffer.alloc(20_000, 1));
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({ name: '颐养通', pad: 'x'.repeat(5000) }),
  );
  const app = new Koa();
  app.use(compression());
  app.use(staticFiles(dir));
  const listener = app.listen(0, '127.0.0.1');
  await new Promise((r) => listener.once('listening', r));
  const base = `http://127.0.0.1:${(listener.address() as { port: number }).port}`;
  try {
    const image = await rawGet(`${base}/static/images/meal.5f3a9c1d.png`, { 'accept-encoding': 'br, gzip' });
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['content-encoding']).toBeUndefined();
    expect(image.body.equals(png)).toBe(true);
    expect(image.headers['cache-control']).toBe('public, max-age=31536000, immutable');

    const font = await rawGet(`${base}/static/font.woff2`, { 'accept-encoding': 'br, gzip' });
    expect(font.headers['content-encoding']).toBeUndefined();
    expect(font.headers['cache-control']).toBe('no-cache');

    // The same middleware does compress a text file there: the images were spared on purpose.
    const manifest = await rawGet(`${base}/manifest.json`, { 'accept-encoding': 'br, gzip' });
    expect(manifest.headers['content-encoding']).toBe('br');
    expect(manifest.headers['cache-control']).toBe('no-cache');
  } finally {
    listener.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
