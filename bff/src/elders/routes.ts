import { randomInt } from 'node:crypto';
import {
  CreateElderBodySchema,
  ElderAccountBodySchema,
  ElderSearchQuerySchema,
  FamilyLinkBodySchema,
  IdParamsSchema,
  parseIdCardNo,
  chinaDate,
} from '@yiyangtong/shared';
import { assertNotLocked, minutesOf, recordFailure, type AttemptKey } from '../accounts/attempts';
import { publicUser } from '../accounts/model';
import { createUser, deleteUser } from '../accounts/service';
import { isDuplicateKeyError } from '../db';
import { conditionalUpdate } from '../db/write-lock';
import { conflict, forbidden, notFound, validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import type { AppConfig } from '../config';
import { communityExists } from '../places/routes';
import { loadElderFor, listVisibleElders, mayActForElder } from './access';
import { idCardCipher, normaliseIdCardNo } from './idcard-crypto';
import { Elder, elderView, FamilyLink, familyLinkId, Invite, type InviteDoc } from './model';

const INVITE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I: read aloud over the phone
const INVITE_TTL_MS = 7 * 24 * 3600_000;

/** `limits`: guessing invite codes counts like guessing passwords (config.login). */
export function elderRoutes(
  api: Api,
  limits: AppConfig['login'],
  clock: () => Date = () => new Date(),
): void {
  const today = () => chinaDate(clock());
  api.add({
    method: 'post',
    path: '/api/elders',
    tag: 'elders',
    summary: '登记长者（本社区助老员或管理员）',
    access: ['worker', 'admin'],
    otherStatuses: [409],
    rules: {
      idCardNo: '校验位正确，出生日期真实且不早于 1900 年',
      birthDate: '与身份证号中的出生日期一致',
      gender: '与身份证号中的性别一致',
      communityId: '必须是已有的社区',
    },
    body: CreateElderBodySchema,
    status: 201,
    handler: async ({ body, actor }) => {
      if (actor.role === 'worker' && actor.communityId !== body.communityId)
        throw forbidden('只能登记本社区的长者');
      if (!(await communityExists(body.communityId))) throw validationFailed({ communityId: '社区不存在' });
      const { idCardNo, ...rest } = body;
      try {
        const elder = await Elder.create({
          ...rest,
          ...idCardCipher().seal(idCardNo),
          diet: body.diet ?? [],
          emergencyContacts: body.emergencyContacts ?? [],
          createdBy: actor.id,
        });
        return elderView(elder.toObject(), actor, today());
      } catch (err) {
        if (isDuplicateKeyError(err)) throw conflict('ELDER_EXISTS', '该身份证号的长者已登记');
        throw err;
      }
    },
  });

  api.add({
    method: 'get',
    path: '/api/elders',
    tag: 'elders',
    summary: '查找长者（按姓名、手机尾号或完整身份证号；助老员仅本社区）',
    access: ['admin', 'worker', 'family', 'elder'],
    query: ElderSearchQuerySchema,
    handler: async ({ query, actor }) => {
      if (query.q && parseIdCardNo(normaliseIdCardNo(query.q)).ok) {
        // A whole ID number: found by its blind index (numbers are stored sealed).
        const found = await Elder.findOne({ idCardIndex: idCardCipher().index(query.q) }).lean();
        const visible =
          found &&
          (!query.communityId || found.communityId === query.communityId) &&
          (await mayActForElder(actor, found));
        return { items: visible ? [elderView(found, actor, today())] : [] };
      }
      const elders = await listVisibleElders(actor, query.communityId);
      // Matching in TypeScript: names are Chinese (no collation), phones match on the last digits.
      const q = query.q;
      const matched = q
        ? elders.filter((e) => e.name.includes(q) || (/^\d{4,11}$/.test(q) && (e.phone ?? '').endsWith(q)))
        : elders;
      const day = today();
      return { items: matched.slice(0, 200).map((e) => elderView(e, actor, day)) };
    },
  });

  api.add({
    method: 'get',
    path: '/api/elders/:id',
    tag: 'elders',
    summary: '长者档案',
    access: ['admin', 'worker', 'family', 'elder'],
    params: IdParamsSchema,
    handler: async ({ params, actor }) => elderView(await loadElderFor(actor, params.id), actor, today()),
  });

  api.add({
    method: 'post',
    path: '/api/elders/:id/account',
    tag: 'elders',
    summary: '为长者开通登录账号',
    access: ['worker', 'admin'],
    otherStatuses: [409],
    params: IdParamsSchema,
    body: ElderAccountBodySchema,
    status: 201,
    handler: async ({ params, body, actor }) => {
      const elder = await loadElderFor(actor, params.id);
      if (elder.userId) throw conflict('ACCOUNT_EXISTS', '该长者已有登录账号');
      const user = await createUser({
        role: 'elder',
        name: elder.name,
        phone: body.phone,
        password: body.password,
        communityId: elder.communityId,
        elderId: params.id,
      });
      const claimed = await conditionalUpdate(
        Elder,
        params.id,
        { userId: { $exists: false } },
        { $set: { userId: String(user._id) } },
      );
      if (!claimed) {
        await deleteUser(user); // another request gave this elder an account first
        throw conflict('ACCOUNT_EXISTS', '该长者已有登录账号');
      }
      return publicUser(user);
    },
  });

  api.add({
    method: 'post',
    path: '/api/elders/:id/invites',
    tag: 'families',
    summary: '生成家属邀请码（长者本人、助老员、管理员）',
    access: ['elder', 'worker', 'admin'],
    params: IdParamsSchema,
    status: 201,
    handler: async ({ params, actor }) => {
      await loadElderFor(actor, params.id);
      for (;;) {
        const code = Array.from({ length: 8 }, () => INVITE_ALPHABET[randomInt(INVITE_ALPHABET.length)]).join(
          '',
        );
        const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
        try {
          await Invite.create({
            _id: code,
            elderId: params.id,
            createdBy: actor.id,
            expiresAt,
            usedBy: null,
          });
          return { code, elderId: params.id, expiresAt: expiresAt.toISOString() };
        } catch (err) {
          if (!isDuplicateKeyError(err)) throw err; // a code collision: draw again
        }
      }
    },
  });

  api.add({
    method: 'post',
    path: '/api/family/links',
    tag: 'families',
    summary: '家属用邀请码绑定长者',
    access: ['family'],
    otherStatuses: [404, 409, 429],
    body: FamilyLinkBodySchema,
    status: 201,
    handler: async ({ body, actor, ctx }) => {
      // Codes are 8 of 32 characters, but guessing is still capped per family user and per IP.
      const guesses: AttemptKey[] = [
        {
          key: `invite:${actor.id}`,
          limit: { maxFailures: limits.maxInviteFailures, windowMs: limits.windowMs },
        },
        {
          key: `invite-ip:${ctx.ip}`,
          limit: { maxFailures: limits.maxFailuresPerIp, windowMs: limits.windowMs },
        },
      ];
      await assertNotLocked(guesses, `邀请码错误次数过多，请 ${minutesOf(limits)} 分钟后再试`);
      const invite = await Invite.findById(body.code).lean();
      if (!invite || invite.expiresAt.getTime() < Date.now()) {
        await Promise.all(guesses.map((g) => recordFailure(g)));
        throw notFound('邀请码');
      }
      if (await FamilyLink.exists({ _id: familyLinkId(actor.id, invite.elderId) })) {
        throw conflict('ALREADY_LINKED', '您已绑定这位长者');
      }
      const used = await conditionalUpdate<InviteDoc>(
        Invite,
        invite._id,
        { usedBy: null },
        { $set: { usedBy: actor.id } },
      );
      if (!used) throw conflict('INVITE_USED', '邀请码已被使用');
      try {
        await FamilyLink.create({
          _id: familyLinkId(actor.id, invite.elderId),
          familyUserId: actor.id,
          elderId: invite.elderId,
        });
      } catch (err) {
        if (isDuplicateKeyError(err)) throw conflict('ALREADY_LINKED', '您已绑定这位长者');
        throw err;
      }
      const elder = await loadElderFor(actor, invite.elderId);
      return { elderId: invite.elderId, elder: elderView(elder, actor) };
    },
  });

  api.add({
    method: 'get',
    path: '/api/family/elders',
    tag: 'families',
    summary: '我绑定的长者',
    access: ['family'],
    handler: async ({ actor }) => {
      const elders = await listVisibleElders(actor);
      return { items: elders.map((e) => elderView(e, actor)) };
    },
  });
}
