import { randomInt } from 'node:crypto';
import {
  CreateElderBodySchema,
  ElderAccountBodySchema,
  ElderSearchQuerySchema,
  FamilyLinkBodySchema,
  IdParamsSchema,
  parseIdCardNo,
  ReinstateBodySchema,
  RetireBodySchema,
  TransferBodySchema,
  UpdateElderBodySchema,
  chinaDate,
} from '@yiyangtong/shared';
import { changesBetween, recordAudit } from '../audit/record';
import { User } from '../accounts/model';
import { assertNotLocked, minutesOf, recordFailure, type AttemptKey } from '../accounts/attempts';
import { publicUser } from '../accounts/model';
import { createUser, deleteUser } from '../accounts/service';
import { isDuplicateKeyError } from '../db';
import { conditionalUpdate } from '../db/write-lock';
import { conflict, forbidden, notFound, validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import type { AppConfig } from '../config';
import { loadElderFor, listVisibleElders, mayActForElder } from './access';
import { idCardCipher, normaliseIdCardNo } from './idcard-crypto';
import { Elder, elderView, FamilyLink, familyLinkId, Invite, type ElderDoc, type InviteDoc } from './model';
import { retireElder, retirementPreview } from './retirement';
import { objectIdOrNull } from '../db/ids';
import { communityExists } from '../places/service';

/** The fields PATCH may change (and the audit compares); `idCardNo` is compared opened. */
const EDITABLE = [
  'name',
  'phone',
  'address',
  'location',
  'groups',
  'diet',
  'emergencyContacts',
  'notes',
  'livesAlone',
  'birthDate',
  'gender',
] as const;

const duplicateElder = () => conflict('ELDER_EXISTS', '该身份证号的长者已登记');

/** Which list an elder is on: the office's `retired` list also holds one being retired. */
const listStatus = (e: Pick<ElderDoc, 'status'>) =>
  e.status && e.status !== 'active' ? 'retired' : 'active';

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
        await recordAudit(actor, {
          action: 'elder.create',
          targetType: 'elder',
          targetId: String(elder._id),
          communityId: body.communityId,
          changes: changesBetween({}, { ...rest, idCardNo }, [
            'name',
            'idCardNo',
            'phone',
            'birthDate',
            'gender',
            'address',
            'communityId',
            'groups',
            'careLevel',
            'diet',
            'emergencyContacts',
          ]),
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
    summary:
      '查找长者（按姓名、手机尾号或完整身份证号；助老员仅本社区）；默认只列在册长者，status=retired 列已退出的',
    access: ['admin', 'worker', 'family', 'elder'],
    query: ElderSearchQuerySchema,
    handler: async ({ query, actor }) => {
      if (query.q && parseIdCardNo(normaliseIdCardNo(query.q)).ok) {
        // A whole ID number: found by its blind index (numbers are stored sealed).
        const found = await Elder.findOne({ idCardIndex: idCardCipher().index(query.q) }).lean();
        const visible =
          found &&
          listStatus(found) === (query.status ?? 'active') &&
          (!query.communityId || found.communityId === query.communityId) &&
          (await mayActForElder(actor, found));
        return { items: visible ? [elderView(found, actor, today())] : [] };
      }
      const wanted = query.status ?? 'active';
      const elders = (await listVisibleElders(actor, query.communityId)).filter(
        (e) => listStatus(e) === wanted,
      );
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
    method: 'patch',
    path: '/api/elders/:id',
    tag: 'elders',
    summary:
      '修改长者资料（本社区助老员、管理员；身份证号仅管理员，出生日期和性别随之改）；已下的订单价格不变',
    access: ['worker', 'admin'],
    otherStatuses: [409],
    rules: { idCardNo: '校验位正确，出生日期真实且不早于 1900 年（仅管理员可改）' },
    params: IdParamsSchema,
    body: UpdateElderBodySchema,
    handler: async ({ params, body, actor }) => {
      const before = await loadElderFor(actor, params.id);
      const { idCardNo, ...rest } = body;
      const set: Record<string, unknown> = { ...rest };
      const beforeNo = idCardCipher().open(before.idCardEnc);
      if (idCardNo !== undefined) {
        if (actor.role !== 'admin') throw forbidden('只有区民政管理员可以修改身份证号');
        const parsed = parseIdCardNo(idCardNo);
        if (!parsed.ok) throw validationFailed({ idCardNo: '身份证号不正确' }); // the schema checked it
        set.birthDate = parsed.info.birthDate;
        set.gender = parsed.info.gender;
        if (idCardNo !== beforeNo) {
          const sealed = idCardCipher().seal(idCardNo);
          // Looked up first: FerretDB's E11000 on an update carries no code (only PostgreSQL's words).
          const holder = await Elder.findOne({ idCardIndex: sealed.idCardIndex }).lean();
          if (holder && String(holder._id) !== params.id) throw duplicateElder();
          Object.assign(set, sealed);
        }
      }
      if (!Object.keys(set).length) return elderView(before, actor, today()); // nothing to change
      let after: ElderDoc | null;
      try {
        after = await conditionalUpdate<ElderDoc>(Elder, params.id, {}, { $set: set });
      } catch (err) {
        // The unique index still decides a race between two admins.
        if (isDuplicateKeyError(err) || /duplicate key|E11000|23505/.test(String((err as Error).message)))
          throw duplicateElder();
        throw err;
      }
      if (!after) throw notFound('长者');
      const changes = changesBetween(before, after, EDITABLE);
      if (idCardNo !== undefined && idCardNo !== beforeNo)
        changes.unshift({ field: 'idCardNo', before: beforeNo, after: idCardNo });
      if (changes.length)
        await recordAudit(actor, {
          action: 'elder.update',
          targetType: 'elder',
          targetId: params.id,
          communityId: after.communityId,
          changes,
        });
      return elderView(after, actor, today());
    },
  });

  api.add({
    method: 'get',
    path: '/api/elders/:id/retirement-preview',
    tag: 'elders',
    summary: '退出服务前的预览：将取消的餐数、停止的长期订餐、取消的上门服务、助餐卡余额（分）',
    access: ['worker', 'admin'],
    params: IdParamsSchema,
    handler: async ({ params, actor }) => {
      const elder = await loadElderFor(actor, params.id);
      return {
        elderId: params.id,
        status: elder.status ?? 'active',
        ...(await retirementPreview(params.id, clock())),
      };
    },
  });

  api.add({
    method: 'post',
    path: '/api/elders/:id/retire',
    tag: 'elders',
    summary:
      '长者退出服务（去世、迁出、申请退出）：未过截止的餐取消并退款，长期订餐停止，上门服务取消并通知服务人员，助餐卡余额退还至 0，登录停用',
    access: ['worker', 'admin'],
    otherStatuses: [409],
    params: IdParamsSchema,
    body: RetireBodySchema,
    handler: async ({ params, body, actor }) => {
      const elder = await loadElderFor(actor, params.id);
      const done = await retireElder(actor, elder, body, clock());
      return elderView(done, actor, today());
    },
  });

  api.add({
    method: 'post',
    path: '/api/elders/:id/reinstate',
    tag: 'elders',
    summary: '恢复误退出的长者（管理员）：重新在册，登录恢复；已取消的订单不恢复',
    access: ['admin'],
    otherStatuses: [409],
    params: IdParamsSchema,
    body: ReinstateBodySchema,
    handler: async ({ params, body, actor }) => {
      const elder = await loadElderFor(actor, params.id);
      const after = await conditionalUpdate<ElderDoc>(
        Elder,
        params.id,
        { status: 'retired' },
        { $set: { status: 'active' }, $unset: { retirement: 1, retiredAt: 1 } },
      );
      if (!after)
        throw conflict(
          'NOT_RETIRED',
          elder.status === 'retiring' ? '退出手续还在办理中，请稍后再试' : `${elder.name}在册，不需要恢复`,
        );
      if (after.userId && objectIdOrNull(after.userId))
        await User.updateOne(
          { _id: objectIdOrNull(after.userId), disabled: true },
          { $set: { disabled: false } },
        );
      await recordAudit(actor, {
        action: 'elder.reinstate',
        targetType: 'elder',
        targetId: params.id,
        communityId: after.communityId,
        changes: [{ field: 'status', before: 'retired', after: 'active' }],
        ...(body.reason ? { reason: body.reason } : {}),
      });
      return elderView(after, actor, today());
    },
  });

  api.add({
    method: 'post',
    path: '/api/elders/:id/transfer',
    tag: 'elders',
    summary: '长者转到另一个社区（管理员）：此后由新社区的助老员服务；已有的订单和服务记录仍记在原社区',
    access: ['admin'],
    otherStatuses: [409],
    rules: { communityId: '必须是已有的、与现在不同的社区' },
    params: IdParamsSchema,
    body: TransferBodySchema,
    handler: async ({ params, body, actor }) => {
      const elder = await loadElderFor(actor, params.id);
      if (body.communityId === elder.communityId) throw validationFailed({ communityId: '长者已在这个社区' });
      if (!(await communityExists(body.communityId))) throw validationFailed({ communityId: '社区不存在' });
      const after = await conditionalUpdate<ElderDoc>(
        Elder,
        params.id,
        { communityId: elder.communityId },
        { $set: { communityId: body.communityId } },
      );
      if (!after) throw conflict('CHANGED', '长者的社区刚被别人改过，请刷新后再试');
      // One entry, under the new community: both the office and the new community's workers
      // see it (the old community's workers no longer see the elder at all).
      await recordAudit(actor, {
        action: 'elder.transfer',
        targetType: 'elder',
        targetId: params.id,
        communityId: body.communityId,
        changes: [{ field: 'communityId', before: elder.communityId, after: body.communityId }],
        ...(body.reason ? { reason: body.reason } : {}),
      });
      return elderView(after, actor, today());
    },
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
      await recordAudit(actor, {
        action: 'elder.account',
        targetType: 'elder',
        targetId: params.id,
        communityId: elder.communityId,
        changes: [
          { field: 'userId', after: String(user._id) },
          { field: 'phone', after: body.phone },
        ],
      });
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
