/**
 * Response compression: brotli or gzip (as the client prefers) for JSON and the H5 app's
 * text files. Small bodies (< 1 KB) are sent as they are — compressing them costs more than it
 * saves — and so are types that are compressed already (images, fonts in woff2, archives):
 * koa-compress asks `compressible` (mime-db) about the Content-Type.
 */
import compress from 'koa-compress';
import Negotiator from 'negotiator';
import { Stream } from 'node:stream';
import { promisify } from 'node:util';
import zlib, { constants } from 'node:zlib';
import type Koa from 'koa';

export const COMPRESSION_THRESHOLD_BYTES = 1024;

export function compression(): Koa.Middleware {
  return async (ctx, next) =>
    compressor(ctx, async () => {
      await serializeJsonOnce(ctx, next);
      await sendKeptCompressed(ctx);
    });
}

/**
 * A JSON body turned into its text once, here: koa-compress asks for the response's length
 * (which stringifies an object body) and Koa's `respond` stringifies it again to send it; the
 * profile of the lunch rush had the two at a tenth of the BFF's time.
 */
async function serializeJsonOnce(ctx: Koa.Context, next: Koa.Next): Promise<void> {
  await next();
  const body: unknown = ctx.body;
  if (body && typeof body === 'object' && !ArrayBuffer.isView(body) && !(body instanceof Stream))
    ctx.body = JSON.stringify(body); // the Content-Type stays application/json
}

// Quality 5: ~20 ms for the 270 KB app bundle and within 10% of quality 11's size (~2 s).
const BROTLI = { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } };
const GZIP = { level: 6 };

const compressor = compress({
  threshold: COMPRESSION_THRESHOLD_BYTES,
  br: BROTLI,
  gzip: GZIP,
  // zstd is experimental in Node (22.15+): not offered until it is stable.
  zstd: false,
  deflate: false,
});

type Encoding = 'br' | 'gzip';
const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);
const encoders: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  br: (body) => brotli(body, BROTLI),
  gzip: (body) => gzip(body, GZIP),
};

/** The compressed forms of bodies sent many times as the same bytes, made once each. */
const keptForms = new WeakMap<Buffer, Partial<Record<Encoding, Promise<Buffer>>>>();

/**
 * Marks bytes that will be sent many times unchanged (a cached answer: the day's menu every
 * phone reads at lunch). Their brotli or gzip form is made on the first request that asks for it
 * and reused, instead of a compression stream per read; a changed answer is new bytes.
 */
export function compressOnce(bytes: Buffer): Buffer {
  keptForms.set(bytes, {});
  return bytes;
}

/**
 * Sends a kept body in the form koa-compress would have chosen (same threshold, same
 * negotiation: the client's weights first, then br before gzip), with its Content-Length.
 * koa-compress leaves a body alone once it has a Content-Encoding.
 */
async function sendKeptCompressed(ctx: Koa.Context): Promise<void> {
  const body: unknown = ctx.body;
  if (!Buffer.isBuffer(body) || body.length < COMPRESSION_THRESHOLD_BYTES) return;
  const forms = keptForms.get(body);
  if (!forms) return;
  if (ctx.method === 'HEAD' || ctx.status !== 200 || ctx.response.get('Content-Encoding')) return;
  const encoding = acceptedEncoding(ctx);
  if (!encoding) return;
  const form = (forms[encoding] ??= encoders[encoding](body));
  ctx.body = await form;
  ctx.set('Content-Encoding', encoding);
}

function acceptedEncoding(ctx: Koa.Context): Encoding | null {
  const header = ctx.get('Accept-Encoding').trim();
  if (!header) return null; // koa-compress's default: identity
  if (header === '*') return 'gzip'; // and its choice for a bare wildcard
  const chosen = new Negotiator({ headers: { 'accept-encoding': header } }).encoding(
    ['br', 'gzip', 'identity'],
    { preferred: ['br', 'gzip', 'identity'] },
  );
  return chosen === 'br' || chosen === 'gzip' ? chosen : null;
}
