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
import { forbidden, unauthorized, validationFailed } from './errors';

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
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  summary: string;
  tag: string;
  access: Access;
  body?: B;
  query?: Q;
  params?: P;
  headers?: H;
  status?: number;
  response?: z.ZodType;
  handler(req: Request<Infer<B>, Infer<Q>, Infer<P>, Infer<H>>): Promise<unknown> | unknown;
}

type AnyRoute = RouteDef<any, any, any, any>;

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
  return result.data;
}

function checkAccess(access: Access, actor: Actor | undefined): void {
  if (access === 'public') return;
  if (!actor) throw unauthorized();
  if (access !== 'signed_in' && !access.includes(actor.role)) throw forbidden();
}

export class Api {
  readonly routes: AnyRoute[] = [];
  readonly router = new Router();

  add<
    B extends z.ZodType | undefined,
    Q extends z.ZodType | undefined,
    P extends z.ZodType | undefined,
    H extends z.ZodType | undefined,
  >(def: RouteDef<B, Q, P, H>): this {
    this.routes.push(def as AnyRoute);
    this.router[def.method](def.path, async (ctx) => {
      const actor = ctx.state.actor as Actor | undefined;
      checkAccess(def.access, actor);
      const params = parse(def.params, ctx.params, 'params');
      const query = parse(def.query, { ...ctx.query }, 'query');
      const headers = parse(def.headers, ctx.headers, 'headers');
      const body = parse(def.body, (ctx.request as { body?: unknown }).body ?? {}, 'body');
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
      ctx.body = result ?? {};
      ctx.status = status;
    });
    return this;
  }

  /** OpenAPI 3.1 document generated from the route declarations. */
  openapi(info: { title: string; version: string }): object {
    const json = (schema: z.ZodType) =>
      z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
    const paths: Record<string, Record<string, object>> = {};
    for (const r of this.routes) {
      const path = r.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      const parameters: object[] = [];
      for (const [where, schema] of [
        ['path', r.params],
        ['query', r.query],
        ['header', r.headers],
      ] as const) {
        if (!schema) continue;
        const s = json(schema) as { properties?: Record<string, object>; required?: string[] };
        for (const [name, prop] of Object.entries(s.properties ?? {})) {
          parameters.push({
            name,
            in: where,
            required: where === 'path' || (s.required ?? []).includes(name),
            schema: prop,
          });
        }
      }
      const errors = {
        description: 'Error',
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
      };
      paths[path] ??= {};
      paths[path][r.method] = {
        summary: r.summary,
        tags: [r.tag],
        ...(r.access === 'public' ? { security: [] } : {}),
        ...(r.access !== 'public' && r.access !== 'signed_in' ? { 'x-roles': r.access } : {}),
        parameters,
        ...(r.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: json(r.body) } } } }
          : {}),
        responses: {
          [String(r.status ?? 200)]: {
            description: 'OK',
            content: { 'application/json': { schema: r.response ? json(r.response) : { type: 'object' } } },
          },
          '4XX': errors,
        },
      };
    }
    return {
      openapi: '3.1.0',
      info,
      servers: [{ url: '/' }],
      security: [{ bearer: [] }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        schemas: { Error: json(ErrorBodySchema) },
      },
      paths,
    };
  }
}
