import { z } from 'zod';
import {
  CreateUserBodySchema,
  LoginBodySchema,
  maskPhone,
  RegisterBodySchema,
  TokenResponseSchema,
  UserSchema,
  WechatLoginBodySchema,
} from '@yiyangtong/shared';
import type { AppConfig } from '../config';
import type { Actor, TokenService } from '../core/auth';
import { AppError, notFound, validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import { Canteen, objectIdOrNull } from '../places/model';
import { communityExists } from '../places/routes';
import { publicUser, User, type UserDoc } from './model';
import { createUser, findOrCreateWechatUser, loginWithPassword } from './service';
import { code2Session, WechatLoginError } from './wechat';

export function actorOf(u: UserDoc): Actor {
  return {
    id: String(u._id),
    role: u.role,
    name: u.name,
    ...(u.communityId ? { communityId: u.communityId } : {}),
    ...(u.canteenId ? { canteenId: u.canteenId } : {}),
    ...(u.providerId ? { providerId: u.providerId } : {}),
    ...(u.elderId ? { elderId: u.elderId } : {}),
  };
}

export function accountRoutes(
  api: Api,
  { config, tokens }: { config: AppConfig; tokens: TokenService },
): void {
  const session = (u: UserDoc) => ({
    token: tokens.sign(actorOf(u)),
    user: { id: String(u._id), role: u.role, name: u.name },
  });

  api.add({
    method: 'post',
    path: '/api/auth/login',
    tag: 'accounts',
    summary: '手机号密码登录',
    access: 'public',
    otherStatuses: [401, 429],
    body: LoginBodySchema,
    response: TokenResponseSchema,
    handler: async ({ body, ctx }) =>
      session(await loginWithPassword(body.phone, body.password, config.login, ctx.ip)),
  });

  api.add({
    method: 'post',
    path: '/api/auth/register',
    tag: 'accounts',
    summary: '家属注册',
    access: 'public',
    otherStatuses: [409],
    body: RegisterBodySchema,
    status: 201,
    response: TokenResponseSchema,
    handler: async ({ body }) => session(await createUser({ ...body, role: 'family' })),
  });

  api.add({
    method: 'post',
    path: '/api/auth/wechat',
    tag: 'accounts',
    summary: '微信小程序登录（code2Session）',
    access: 'public',
    otherStatuses: [401],
    body: WechatLoginBodySchema,
    response: TokenResponseSchema,
    handler: async ({ body }) => {
      try {
        const { openid } = await code2Session(config.wechat, body.code);
        return session(await findOrCreateWechatUser(openid));
      } catch (err) {
        if (err instanceof WechatLoginError) {
          throw new AppError(
            401,
            err.kind === 'rejected' ? 'WECHAT_CODE_INVALID' : 'WECHAT_UNAVAILABLE',
            err.message,
          );
        }
        throw err;
      }
    },
  });

  api.add({
    method: 'get',
    path: '/api/me',
    tag: 'accounts',
    summary: '当前用户',
    access: 'signed_in',
    otherStatuses: [404],
    response: UserSchema,
    handler: async ({ actor }) => {
      const u = await User.findById(objectIdOrNull(actor.id)).lean();
      if (!u) throw notFound('用户');
      return publicUser(u, actor.role === 'admin' ? {} : { maskPhone });
    },
  });

  api.add({
    method: 'post',
    path: '/api/users',
    tag: 'accounts',
    summary: '管理员创建用户（任意角色）',
    access: ['admin'],
    otherStatuses: [409],
    rules: {
      communityId: '社区助老员必须有；必须是已有的社区',
      canteenId: '食堂工作人员必须有；必须是已有的食堂',
      communityIds: '每个都必须是已有的社区',
    },
    body: CreateUserBodySchema,
    status: 201,
    response: UserSchema,
    handler: async ({ body }) => {
      if (body.role === 'worker' && !body.communityId)
        throw validationFailed({ communityId: '社区助老员需要所属社区' });
      if (body.role === 'canteen_staff' && !body.canteenId)
        throw validationFailed({ canteenId: '食堂工作人员需要所属食堂' });
      if (body.communityId && !(await communityExists(body.communityId)))
        throw validationFailed({ communityId: '社区不存在' });
      for (const id of body.communityIds ?? [])
        if (!(await communityExists(id))) throw validationFailed({ communityIds: '社区不存在' });
      if (body.canteenId && !(await Canteen.exists({ _id: objectIdOrNull(body.canteenId) }))) {
        throw validationFailed({ canteenId: '食堂不存在' });
      }
      return publicUser(await createUser(body));
    },
  });

  api.add({
    method: 'get',
    path: '/api/users',
    tag: 'accounts',
    summary: '用户列表（管理员）',
    access: ['admin'],
    query: z.object({ role: CreateUserBodySchema.shape.role.optional() }),
    handler: async ({ query }) => ({
      items: (
        await User.find(query.role ? { role: query.role } : {})
          .sort({ _id: 1 })
          .limit(500)
          .lean()
      ).map((u) => publicUser(u)),
    }),
  });
}
