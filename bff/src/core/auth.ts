import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type Koa from 'koa';
import type { Role } from '@yiyangtong/shared';
import { unauthorized } from './errors';

/** Who is calling: the token's claims. Scopes decide what each role may see. */
export interface Actor {
  id: string;
  role: Role;
  name: string;
  communityId?: string;
  canteenId?: string;
  providerId?: string;
  elderId?: string;
  /** the account's token version when the token was issued (accounts/sessions.ts) */
  ver?: number;
}

export interface TokenService {
  sign(actor: Actor): string;
  verify(token: string): Actor;
}

export function tokenService(secretText: string, expiresIn: string | number): TokenService {
  // A KeyObject, not a string: given a string, jsonwebtoken first tries to parse it as a
  // PEM public key on every verify (15% of a menu read's CPU, measured).
  const secret = createSecretKey(Buffer.from(secretText, 'utf8'));
  const verified = new Map<string, { actor: Actor; expiresAt: number }>();
  return {
    sign: (actor) =>
      jwt.sign({ ...actor, sub: actor.id, id: undefined }, secret, {
        algorithm: 'HS256',
        expiresIn: expiresIn as jwt.SignOptions['expiresIn'],
      }),
    verify: (token) => {
      // A token verified before is the same bytes under the same secret: its claims are reused
      // until it expires (HMAC and JSON parsing were a tenth of a cached read's CPU).
      const known = verified.get(token);
      if (known && Date.now() < known.expiresAt) return known.actor;
      verified.delete(token);
      try {
        const claims = jwt.verify(token, secret, { algorithms: ['HS256'] }) as jwt.JwtPayload &
          Omit<Actor, 'id'>;
        if (typeof claims.sub !== 'string' || typeof claims.role !== 'string') throw new Error('claims');
        const { sub, role, name, communityId, canteenId, providerId, elderId, ver } = claims;
        const actor: Actor = Object.freeze({
          id: sub,
          role,
          name,
          communityId,
          canteenId,
          providerId,
          elderId,
          ver,
        });
        if (typeof claims.exp === 'number') {
          if (verified.size >= 10_000) verified.clear();
          verified.set(token, { actor, expiresAt: claims.exp * 1000 });
        }
        return actor;
      } catch (err) {
        if (err instanceof jwt.TokenExpiredError) throw unauthorized('登录已过期，请重新登录');
        throw unauthorized('登录凭证无效，请重新登录');
      }
    },
  };
}

/** Reads `Authorization: Bearer …` into `ctx.state.actor` when present; routes decide if it is required. */
export function readBearer(tokens: TokenService): Koa.Middleware {
  return async (ctx, next) => {
    const header = ctx.get('authorization');
    if (header) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m) throw unauthorized('登录凭证格式不正确');
      ctx.state.actor = tokens.verify(m[1]);
    }
    await next();
  };
}
