// negotiator 1.x (koa-compress's own negotiation): @types/negotiator describes 0.6, whose
// encoding() has no `preferred` option. Only what compression.ts uses.
declare module 'negotiator' {
  export default class Negotiator {
    constructor(request: { headers: Record<string, string | undefined> });
    encoding(available: readonly string[], options?: { preferred?: readonly string[] }): string | undefined;
  }
}
