/**
 * The built H5 app (`miniapp/dist-h5`) served at `/`.
 *
 * Taro names its bundles by content hash (`js/app.3847fef8.js`, `css/app.3847fef8…css`,
 * `js/608.3847fef8.js.LICENSE.txt`): a changed file gets a new name, so those are cached for a
 * year and never revalidated. `index.html` (which names the current bundles) and anything
 * else without a hash are `no-cache`: the browser asks every time and gets a 304 when the file
 * has not changed, so a new build is seen at the next visit.
 */
import type Koa from 'koa';
import serve from 'koa-static';
import path from 'node:path';

/** A content hash as Taro/webpack emit it: `.<8 or more hex digits>.` before the extension. */
const HASHED_NAME = /\.[0-9a-f]{8,}\./;

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';

export function isHashedAsset(file: string): boolean {
  return HASHED_NAME.test(path.basename(file));
}

export function staticFiles(dir: string): Koa.Middleware {
  const send = serve(dir, {
    setHeaders: (res, file) => res.setHeader('Cache-Control', isHashedAsset(file) ? IMMUTABLE : REVALIDATE),
  });
  return async (ctx, next) => {
    await send(ctx, next);
    // A conditional GET for an unchanged file (koa-send sets Last-Modified): 304, no body.
    if (ctx.status === 200 && ctx.response.get('Last-Modified') && ctx.fresh) ctx.status = 304;
  };
}
