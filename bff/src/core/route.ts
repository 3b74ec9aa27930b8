/**
 * Routes are declared once, with zod schemas; the same declaration validates requests,
 * guards access by role, and produces the OpenAPI document.
 * Bodies are strict (unknown keys → 400); query schemas strip unknown parameters, which
 * never reach the database either (a cache-buster `?_=…` must not break a GET).
 */
import Router from '@koa/router';
import type Koa from 'koa';
import { z } from 'zod';
import { ErrorBodySchema, type Role } from '@yiyangtong/shared';
import type { Actor } from './auth';
import { compressOnce } from './compression';
import { AppError, forbidden, unauthorized, validationFailed } from './errors';

/** 'public': anyone; 'signed_in': any role; or the roles allowed. Ownership is checked in handlers via ./access. */
export type Access = 'public' | 'signed_in' | readonly Role[];

type Infer<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface Request<B, Q, P, H> {
  body: B;
  query: Q;
  params: P;
  headers: H;
  actor: Actor;
  ctx: Koa.Context;
  /** Overrides the declared success status (e.g. 200 for a replayed idempotent create). */
  setStatus(status: number): void;
}

export interface RouteDef<
  B extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  P extends z.ZodType | undefined = undefined,
  H extends z.ZodType | undefined = undefined,
> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  headers?: H;
  status?: number;
  /**
   * Statuses this route answers besides `status` and the ones every route of its kind can give
   * (400; 401/403 unless public; 404 with path parameters; 413/415 with a body): e.g. 200 for a
   * replayed create, 404 for a referenced record, 409, 429. Published per operation.
   */
  otherStatuses?: readonly number[];
  /**
   * Checks the JSON Schema cannot express (a record must exist, one field against another, a
   * check digit), keyed by the `error.fields` key a refusal names, with the rule in words.
   * Published as `x-validation-rules`: a schema-valid request may still get a 400 naming these.
   */
  rules?: Readonly<Record<string, string>>;
  response?: z.ZodType;
  /**
   * A file instead of JSON (e.g. `text/csv`): the handler returns its bytes or text, sent with
   * this type and `filename` as an attachment, and published as that media type.
   */
  produces?: { type: string; filename(req: { query: Infer<Q>; params: Infer<P> }): string };
  /** The body of this route's 4xx answers when it is not the contract's error shape (a callback in another service's format). */
  errorResponse?: z.ZodType;
  handler(req: Request<Infer<B>, Infer<Q>, Infer<P>, Infer<H>>): Promise<unknown> | unknown;
}

type AnyRoute = RouteDef<any, any, any, any>;

/**
 * What a `produces` route's handler may return instead of bare bytes: the file with the name it
 * goes by (overriding `produces.filename`) and an ASCII stand-in for clients that do not read `filename*`.
 */
export class FileBody {
  constructor(
    readonly content: Buffer | string,
    readonly filename: string,
    readonly asciiName?: string,
  ) {}
}

/**
 * A JSON answer already serialised, sent as it is: for a handler that keeps its answer while
 * what it is made of has not changed (the menu of a day, read by every elder at lunch time).
 */
export class JsonText {
  /**
   * UTF-8 once: a string body is encoded again on every send (and measured for Content-Length);
   * compressed once per encoding too.
   */
  readonly bytes: Buffer;
  constructor(text: string) {
    this.bytes = compressOnce(Buffer.from(text, 'utf8'));
  }
}

export function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) fields[[...issue.path, key].join('.')] = '不允许的字段';
      continue;
    }
    const key = issue.path.length ? issue.path.join('.') : '(body)';
    fields[key] ??= issue.code === 'invalid_type' && issue.input === undefined ? '必填' : issue.message;
  }
  return fields;
}

/** Deeper than any request we declare: refused before it is walked (or reaches a schema). */
const MAX_DEPTH = 32;

/**
 * The path of the first key anywhere in `value` that a database could read as an operator or a
 * path (`$…` or with a `.`), e.g. `profile.$where`: a route declared with a loose or record
 * schema is covered too.
 */
export function operatorKeyIn(value: unknown): string | null {
  const stack: { value: unknown; path: string[] }[] = [{ value, path: [] }];
  while (stack.length) {
    const { value: node, path } = stack.pop()!;
    if (!node || typeof node !== 'object') continue;
    if (path.length > MAX_DEPTH) return path.slice(0, 1).join('.') || '(body)';
    for (const [key, inner] of Object.entries(node)) {
      if (key.startsWith('$') || key.includes('.')) return [...path, key].join('.');
      stack.push({ value: inner, path: [...path, key] });
    }
  }
  return null;
}

/**
 * `?elderId[$ne]=` or `?elderId.$gt=`: a declared parameter spelled as an object (qs style).
 * Refused, though such a key would only be dropped: the caller meant an operator. Other unknown
 * parameters are dropped silently (a cache-buster `?_=…`).
 */
function refuseOperatorParameters(query: Record<string, unknown>, declared: readonly string[]): void {
  for (const key of Object.keys(query)) {
    const name = declared.find((d) => key.startsWith(`${d}[`) || key.startsWith(`${d}.`));
    if (name) throw validationFailed({ [`query.${key}`]: `参数 ${name} 只能是一个值，不能是对象或运算符` });
  }
}

function parse<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) {
    const fields = fieldsOf(result.error);
    throw validationFailed(
      where === 'body'
        ? fields
        : Object.fromEntries(Object.entries(fields).map(([k, v]) => [`${where}.${k}`, v])),
    );
  }
  // Bodies are strict, so the schema names a stray key first; this catches what a loose one lets by.
  const key = where === 'body' ? operatorKeyIn(value) : null;
  if (key) throw validationFailed({ [key]: '不允许的内容（$ 开头或含 . 的字段名，或嵌套太深）' });
  return result.data;
}

export const methodNotAllowed = (allow: string) =>
  new AppError(405, 'METHOD_NOT_ALLOWED', '不支持该请求方法', undefined, { Allow: allow });

function checkAccess(access: Access, actor: Actor | undefined): void {
  if (access === 'public') return;
  if (!actor) throw unauthorized();
  if (access !== 'signed_in' && !access.includes(actor.role)) throw forbidden();
}

/**
 * A router per resource (`/api/canteens`, `/api/elders`…, the path's first two segments):
 * @koa/router tests a request against each of its routes' patterns in turn, and against all 115
 * in one router that was about a twentieth of a cached menu read. Every route path starts with
 * two literal segments (checked in `add`), so the resource's router holds every route that can
 * match; the router's patterns ignore case, and so does this choice.
 */
class RoutersByResource {
  private readonly routers = new Map<string, ReturnType<typeof RoutersByResource.entry>>();
  // For paths of no resource: matches nothing, but answers unknown methods with 501 as before.
  private readonly none = RoutersByResource.entry(new Router());

  private static entry(router: Router) {
    return {
      router,
      routes: router.routes() as Koa.Middleware,
      allowed: router.allowedMethods() as Koa.Middleware,
    };
  }

  static resourceOf(path: string): string {
    const second = path.indexOf('/', 1);
    if (second < 0) return path.toLowerCase();
    const third = path.indexOf('/', second + 1);
    return (third < 0 ? path : path.slice(0, third)).toLowerCase();
  }

  routerFor(routePath: string): Router {
    const resource = RoutersByResource.resourceOf(routePath);
    if (resource.includes(':') || resource.split('/').length !== 3)
      throw new Error(`route ${routePath}: the first two segments must be literal`);
    let entry = this.routers.get(resource);
    if (!entry) this.routers.set(resource, (entry = RoutersByResource.entry(new Router())));
    return entry.router;
  }

  private at(path: string) {
    return this.routers.get(RoutersByResource.resourceOf(path)) ?? this.none;
  }

  readonly routes: Koa.Middleware = (ctx, next) => this.at(ctx.path).routes(ctx, next);
  readonly allowedMethods: Koa.Middleware = (ctx, next) => this.at(ctx.path).allowed(ctx, next);
}

export class Api {
  readonly routes: AnyRoute[] = [];
  readonly router = new RoutersByResource();

  add<
    B extends z.ZodType | undefined,
    Q extends z.ZodType | undefined,
    P extends z.ZodType | undefined,
    H extends z.ZodType | undefined,
  >(def: RouteDef<B, Q, P, H>): this {
    this.routes.push(def as AnyRoute);
    this.addTemplate(def as AnyRoute);
    const queryNames = def.query instanceof z.ZodObject ? Object.keys(def.query.shape) : [];
    this.router.routerFor(def.path)[def.method](def.path, async (ctx) => {
      // `/api/service-orders/quote` is its own route, not `/api/service-orders/:id` with id "quote".
      if (!this.routesAt(ctx.path).includes(def as AnyRoute))
        throw methodNotAllowed(this.allowedAt(ctx.path));
      const actor = ctx.state.actor as Actor | undefined;
      checkAccess(def.access, actor);
      const params = parse(def.params, ctx.params, 'params');
      if (def.query) refuseOperatorParameters(ctx.query, queryNames);
      const query = parse(def.query, { ...ctx.query }, 'query');
      const headers = parse(def.headers, ctx.headers, 'headers');
      const sent = (ctx.request as { body?: unknown }).body;
      // A change must say what to change (the document marks the body required); other verbs
      // keep taking a missing body as `{}` (the mini-program's action posts send none).
      if (def.method === 'patch' && def.body && (sent === undefined || !ctx.request.length))
        throw validationFailed({ '(body)': '请提交要修改的内容（JSON 对象）' });
      const body = parse(def.body, sent ?? {}, 'body');
      let status = def.status ?? 200;
      const result = await def.handler({
        body,
        query,
        params,
        headers,
        actor: actor as Actor,
        ctx,
        setStatus: (s: number) => {
          status = s;
        },
      } as Request<Infer<B>, Infer<Q>, Infer<P>, Infer<H>>);
      if (def.produces) {
        ctx.type = def.produces.type;
        // RFC 6266/5987: an ASCII fallback and the Chinese name for browsers that read it.
        // A handler that only knows the name once it has read the record returns a FileBody.
        const file = result instanceof FileBody ? result : null;
        const name = file?.filename ?? def.produces.filename({ query, params } as never);
        const ascii = file?.asciiName ?? name.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '');
        ctx.set(
          'Content-Disposition',
          `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`,
        );
        ctx.body = file ? file.content : (result ?? {});
      } else if (result instanceof JsonText) {
        ctx.type = 'application/json';
        ctx.body = result.bytes;
      } else ctx.body = result ?? {};
      ctx.status = status;
    });
    return this;
  }

  /**
   * The routes a path belongs to: of the declared paths it matches, those with the most literal
   * segments (a literal beats a parameter in the same place, as the document reads). It reads
   * paths as the router does, ignoring case and one trailing slash, or `/api/health/` would be
   * routed here and then refused with an empty `Allow`.
   */
  routesAt(path: string): AnyRoute[] {
    const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
    // Lower case once: parameters are only checked for being non-empty here.
    const segments = trimmed.toLowerCase().split('/');
    let best: AnyRoute[] = [];
    let bestLiterals = -1;
    for (const { route, template, literals } of this.templates.get(segments.length) ?? []) {
      if (literals < bestLiterals) break; // sorted by literals, most first
      if (!template.every((t, i) => (t === null ? segments[i] !== '' : t === segments[i]))) continue;
      if (literals > bestLiterals) [best, bestLiterals] = [[], literals];
      best.push(route);
    }
    return best;
  }

  /** Declared paths split once, by segment count, most literal segments first (null: a parameter). */
  private readonly templates = new Map<
    number,
    { route: AnyRoute; template: (string | null)[]; literals: number }[]
  >();

  private addTemplate(route: AnyRoute): void {
    const template = route.path.split('/').map((t) => (t.startsWith(':') ? null : t.toLowerCase()));
    const literals = template.filter((t) => t !== null).length;
    const list = this.templates.get(template.length) ?? [];
    list.push({ route, template, literals });
    list.sort((a, b) => b.literals - a.literals);
    this.templates.set(template.length, list);
  }

  /** The `Allow` header for a path: its routes' methods (HEAD with GET); '' when no route has it. */
  allowedAt(path: string): string {
    const methods = new Set(this.routesAt(path).map((r) => r.method.toUpperCase()));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].join(', ');
  }

  /** OpenAPI 3.1 document generated from the route declarations. */
  openapi(info: { title: string; version: string }): object {
    const paths: Record<string, Record<string, object>> = {};
    for (const r of this.routes) {
      const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      paths[path] ??= {};
      paths[path][r.method] = operationOf(r);
    }
    return {
      openapi: '3.1.0',
      info,
      servers: [{ url: '/' }],
      security: [{ bearer: [] }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: { Error: jsonSchemaOf(ErrorBodySchema, 'output') },
      },
      paths,
    };
  }
}

/** The JSON Schema of what a request may send (`input`) or of what a response carries (`output`). */
function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  return asciiDigits(rest) as JsonSchema;
}

/**
 * `\d` is [0-9] in JavaScript but any Unicode digit (e.g. ٣) in other engines: published
 * patterns spell it out so a generator cannot produce digits we refuse.
 */
function asciiDigits(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asciiDigits);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      k === 'pattern' && typeof v === 'string' ? v.replaceAll('\\d', '[0-9]') : asciiDigits(v),
    ]),
  );
}

type JsonSchema = {
  properties?: Record<string, JsonSchema>;
  required?: string[];
  dependentRequired?: Record<string, string[]>;
  [key: string]: unknown;
};

const STATUS_WORDS: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  400: '输入有误（VALIDATION_FAILED，fields 指出字段）或请求无法解析',
  401: '未登录或登录凭证无效、过期',
  403: '该角色无权进行此操作',
  404: '记录不存在或不可见',
  409: '状态冲突（已售完、已过截止时间、状态不对、重复）',
  413: '请求内容太大',
  415: '请求内容不是 JSON',
  429: '尝试次数过多，Retry-After 秒后再试',
};

/** The statuses a route can answer: its success, the errors of its kind, and the declared ones. */
export function statusesOf(r: AnyRoute): number[] {
  const statuses = new Set<number>([r.status ?? 200, 400, ...(r.otherStatuses ?? [])]);
  if (r.access !== 'public') [401, 403].forEach((s) => statuses.add(s));
  if (r.params) statuses.add(404);
  if (r.body) [413, 415].forEach((s) => statuses.add(s));
  return [...statuses].sort((a, b) => a - b);
}

function parametersOf(r: AnyRoute): object[] {
  const parameters: object[] = [];
  for (const [where, schema] of [
    ['path', r.params],
    ['query', r.query],
    ['header', r.headers],
  ] as const) {
    if (!schema) continue;
    const s = jsonSchemaOf(schema);
    if (s.dependentRequired) {
      // Parameters that only make sense together (lng/lat/radius): OpenAPI has no place for
      // that between parameters, so they are published as one exploded form object, which
      // serialises to the same ?lng=&lat= and carries `dependentRequired`.
      parameters.push({
        name: where,
        in: where,
        style: 'form',
        explode: true,
        schema: {
          type: 'object',
          properties: s.properties,
          dependentRequired: s.dependentRequired,
        },
      });
      continue;
    }
    for (const [name, prop] of Object.entries(s.properties ?? {})) {
      parameters.push({
        name,
        in: where,
        required: where === 'path' || (s.required ?? []).includes(name),
        schema: prop,
      });
    }
  }
  return parameters;
}

function operationOf(r: AnyRoute): object {
  const errorBody = {
    'application/json': {
      schema: r.errorResponse
        ? jsonSchemaOf(r.errorResponse, 'output')
        : { $ref: '#/components/schemas/Error' },
    },
  };
  const responses: Record<string, object> = {};
  for (const status of statusesOf(r)) {
    const description = STATUS_WORDS[status] ?? 'Error';
    if (status < 400 && r.produces) {
      responses[status] = {
        description,
        content: { [r.produces.type]: { schema: { type: 'string', format: 'binary' } } },
      };
    } else if (status < 400) {
      responses[status] = {
        description,
        content: {
          'application/json': {
            schema: r.response ? jsonSchemaOf(r.response, 'output') : { type: 'object' },
          },
        },
      };
    } else if (status === 429) {
      responses[status] = {
        description,
        headers: { 'Retry-After': { required: true, schema: { type: 'integer', minimum: 1 } } },
        content: errorBody,
      };
    } else {
      responses[status] = { description, content: errorBody };
    }
  }
  const rules = Object.entries(r.rules ?? {});
  return {
    summary: r.summary,
    ...(rules.length
      ? {
          description: `另有规则（JSON Schema 无法表达，违反时 400）：${rules.map(([f, w]) => `${f}：${w}`).join('；')}`,
        }
      : {}),
    tags: [r.tag],
    ...(r.access === 'public' ? { security: [] } : {}),
    ...(r.access !== 'public' && r.access !== 'signed_in' ? { 'x-roles': r.access } : {}),
    ...(rules.length ? { 'x-validation-rules': r.rules } : {}),
    parameters: parametersOf(r),
    ...(r.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchemaOf(r.body) } } } }
      : {}),
    responses,
  };
}
