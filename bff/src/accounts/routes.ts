import {
  CreateUserBodySchema,
  IdParamsSchema,
  ResetPasswordBodySchema,
  ROLES,
  UpdateUserBodySchema,
  UserListQuerySchema,
  LoginBodySchema,
  maskPhone,
  RegisterBodySchema,
  TokenResponseSchema,
  UserSchema,
  WechatLoginBodySchema,
} from '@yiyangtong/shared';
import type { AppConfig } from '../config';
import type { Actor, TokenService } from '../core/auth';
import { AppError, conflict, notFound, validationFailed } from '../core/errors';
import { changesBetween, recordAudit } from '../audit/record';
import type { Api } from '../core/route';
import { Canteen } from '../places/model';
import { Credential, publicUser, User, type UserDoc } from './model';
import { hashPassword } from './passwords';
import { createUser, findOrCreateWechatUser, loginWithPassword } from './service';
import { code2Session, WechatLoginError } from './wechat';
import { objectIdOrNull } from '../db/ids';
import { communityExists } from '../places/service';

/** The most accounts one list shows: a role or a few words narrow it. */
const USER_LIST_MAX = 200;

export function actorOf(u: UserDoc): Actor {
  return {
    id: String(u._id),
    role: u.role,
    name: u.name,
    ...(u.communityId ? { communityId: u.communityId } : {}),
    ...(u.canteenId ? { canteenId: u.canteenId } : {}),
    ...(u.providerId ? { providerId: u.providerId } : {}),
    ...(u.elderId ? { elderId: u.elderId } : {}),
    ...(u.tokenVersion ? { ver: u.tokenVersion } : {}),
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
    otherStatuses: [401, 403, 429],
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
    otherStatuses: [401, 403],
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
    handler: async ({ body, actor }) => {
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
      const user = await createUser(body);
      await recordAudit(actor, {
        action: 'user.create',
        targetType: 'user',
        targetId: String(user._id),
        changes: changesBetween({}, user, [
          'role',
          'name',
          'phone',
          'communityId',
          'canteenId',
          'providerId',
        ]),
      });
      return publicUser(user);
    },
  });

  api.add({
    method: 'get',
    path: '/api/users',
    tag: 'accounts',
    summary: '账号列表（管理员）：按角色，按姓名或手机号数字查找；手机号打码',
    access: ['admin'],
    query: UserListQuerySchema,
    handler: async ({ query }) => {
      // One equality query per role (index-backed); the words are matched here.
      const roles = query.role ? [query.role] : ROLES;
      const users = (await Promise.all(roles.map((role) => User.find({ role }).lean()))).flat();
      const q = query.q?.trim();
      const matches = users
        .filter((u) => !q || u.name.includes(q) || (/^[0-9]+$/.test(q) && u.phone?.includes(q)))
        .sort((a, b) => a.role.localeCompare(b.role) || a.name.localeCompare(b.name, 'zh'));
      return {
        items: matches.slice(0, USER_LIST_MAX).map((u) => publicUser(u, { maskPhone })),
        ...(matches.length > USER_LIST_MAX ? { truncated: true } : {}),
      };
    },
  });

  api.add({
    method: 'patch',
    path: '/api/users/:id',
    tag: 'accounts',
    summary: '修改账号（管理员）：停用或启用、改名、调到别的社区或食堂；停用、调动后旧登录立即失效',
    access: ['admin'],
    otherStatuses: [409],
    rules: {
      communityId: '只有社区助老员有所属社区；必须是已有的社区',
      canteenId: '只有食堂工作人员有所属食堂；必须是已有的食堂',
    },
    params: IdParamsSchema,
    body: UpdateUserBodySchema,
    response: UserSchema,
    handler: async ({ params, body, actor }) => {
      const before = await User.findById(objectIdOrNull(params.id)).lean();
      if (!before) throw notFound('账号');
      if (body.disabled && params.id === actor.id)
        throw conflict('CANNOT_DISABLE_SELF', '不能停用自己正在使用的账号');
      if (body.communityId !== undefined) {
        if (before.role !== 'worker') throw validationFailed({ communityId: '只有社区助老员有所属社区' });
        if (!(await communityExists(body.communityId))) throw validationFailed({ communityId: '社区不存在' });
      }
      if (body.canteenId !== undefined) {
        if (before.role !== 'canteen_staff')
          throw validationFailed({ canteenId: '只有食堂工作人员有所属食堂' });
        if (!(await Canteen.exists({ _id: objectIdOrNull(body.canteenId) })))
          throw validationFailed({ canteenId: '食堂不存在' });
      }
      const { reason, ...set } = body;
      const changes = changesBetween(
        { ...before, disabled: Boolean(before.disabled) }, // never set is enabled
        { ...before, disabled: Boolean(before.disabled), ...set },
        ['name', 'disabled', 'communityId', 'canteenId'],
      );
      if (!changes.length) return publicUser(before, { maskPhone });
      // Old tokens carry the old scope (or belong to an account now disabled): they go.
      const revokes = changes.some((c) => c.field !== 'name');
      const after = await User.findByIdAndUpdate(
        before._id,
        { $set: set, ...(revokes ? { $inc: { tokenVersion: 1 } } : {}) },
        { new: true },
      ).lean();
      if (!after) throw notFound('账号');
      const action =
        changes.length === 1 && changes[0].field === 'disabled'
          ? after.disabled
            ? 'user.disable'
            : 'user.enable'
          : 'user.update';
      await recordAudit(actor, {
        action,
        targetType: 'user',
        targetId: params.id,
        changes,
        reason,
      });
      return publicUser(after, { maskPhone });
    },
  });

  api.add({
    method: 'post',
    path: '/api/users/:id/password',
    tag: 'accounts',
    summary: '重置密码（管理员，当面告知本人）；旧登录立即失效',
    access: ['admin'],
    otherStatuses: [409],
    params: IdParamsSchema,
    body: ResetPasswordBodySchema,
    handler: async ({ params, body, actor }) => {
      const user = await User.findById(objectIdOrNull(params.id)).lean();
      if (!user) throw notFound('账号');
      // Resetting is for someone else's forgotten password; it would also end this session.
      if (params.id === actor.id) throw conflict('CANNOT_RESET_SELF', '不能在这里重置自己的密码');
      if (!user.phone) throw conflict('NO_PASSWORD_LOGIN', '该账号用微信登录，没有密码');
      const credential = await Credential.findOneAndUpdate(
        { _id: `phone:${user.phone}`, userId: params.id },
        { $set: { passwordHash: await hashPassword(body.password) } },
      ).lean();
      if (!credential) throw conflict('NO_PASSWORD_LOGIN', '该账号没有手机号密码登录');
      await User.updateOne({ _id: user._id }, { $inc: { tokenVersion: 1 } });
      await recordAudit(actor, {
        action: 'user.password_reset',
        targetType: 'user',
        targetId: params.id,
      });
      return { ok: true };
    },
  });
}
