import type Koa from 'koa';
import type { Actor } from '../core/auth';
import { AppError, unauthorized } from '../core/errors';
import { SingleFlight } from '../db/single-flight';
import { User } from './model';
import { cachedSession, rememberSession, sessionGeneration, type SessionState } from './session-cache';

// One read per account when its cached state expires under many requests at once. Keyed by
// the cache's generation too: after any account change a request never joins an older read.
const reads = new SingleFlight<SessionState | null>();

async function sessionOf(userId: string): Promise<SessionState | null> {
  const cached = cachedSession(userId);
  if (cached !== undefined) return cached;
  const readAt = sessionGeneration();
  return reads.run(
    `${readAt}:${userId}`,
    async () => {
      const user = /^[0-9a-f]{24}$/.test(userId)
        ? await User.findById(userId, { disabled: 1, tokenVersion: 1 }).lean()
        : null;
      return user ? { disabled: user.disabled, tokenVersion: user.tokenVersion } : null;
    },
    (state) => rememberSession(userId, state, readAt),
  );
}

/**
 * A token is only as good as the account behind it: a disabled or removed account, or a token
 * older than the account's last disable / scope change / password reset (`tokenVersion`), is
 * refused at once (401), not when the token expires. One `_id` lookup per account and second
 * (./session-cache.ts: this process's own changes are seen at once).
 */
export function refuseRevokedSessions(): Koa.Middleware {
  return async (ctx, next) => {
    const actor = ctx.state.actor as Actor | undefined;
    if (actor) {
      const user = await sessionOf(actor.id);
      if (!user) throw unauthorized('账号不存在，请重新登录');
      if (user.disabled) throw new AppError(401, 'ACCOUNT_DISABLED', '该账号已停用，请联系社区或区民政办');
      if ((user.tokenVersion ?? 0) !== (actor.ver ?? 0))
        throw new AppError(401, 'SESSION_REVOKED', '账号信息已变更，请重新登录');
    }
    await next();
  };
}
