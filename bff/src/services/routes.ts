import { afterRating, closeTask, sampleCompletedVisit } from '../follow-ups/service';
import {
  CheckInBodySchema,
  chinaDate,
  CHECK_IN_MAX_DISTANCE_M,
  CreateServiceItemBodySchema,
  CreateServiceOrderBodySchema,
  distanceMetres,
  DispatchBodySchema,
  FollowUpBodySchema,
  IdParamsSchema,
  NotesBodySchema,
  RatingBodySchema,
  ServiceOrderQuerySchema,
  ServiceQuoteBodySchema,
  visitExceptions,
  OptionalIdempotencyHeadersSchema,
  ServiceItemListQuerySchema,
  UpdateServiceItemBodySchema,
} from '@yiyangtong/shared';
import { changesBetween, recordAudit } from '../audit/record';
import { User } from '../accounts/model';
import type { Actor } from '../core/auth';
import { forbidden, notFound, validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import { loadElderFor } from '../elders/access';
import { Elder } from '../elders/model';
import { notify } from '../notifications/notifier';
import { elderAndFamily } from '../notifications/recipients';
import { bumpCounters } from '../reports/counters';
import { visitCheckRoutes } from './check-routes';
import { listVisits } from './list';
import { suggestionRoutes } from './suggestions';
import { ServiceItem, type ServiceItemDoc, type ServiceOrderDoc } from './model';
import {
  assertCheckInWindow,
  createVisit,
  loadVisitFor,
  quoteVisit,
  step,
  visitView,
  whoOf,
  withElderContact,
} from './service';
import { objectIdOrNull } from '../db/ids';

const itemView = (i: ServiceItemDoc) => ({
  id: String(i._id),
  category: i.category,
  name: i.name,
  price: i.price,
  unit: i.unit,
  durationMin: i.durationMin,
  ...(i.description ? { description: i.description } : {}),
  retired: Boolean(i.retired),
});

/** What a person sets on a service item (the audit log compares these). */
const ITEM_FIELDS = ['category', 'name', 'price', 'unit', 'durationMin', 'description', 'retired'] as const;

function assertCommunityStaff(actor: Actor, order: ServiceOrderDoc): void {
  if (actor.role === 'worker' && actor.communityId !== order.communityId) throw forbidden();
}

export function serviceRoutes(api: Api, clock: () => Date): void {
  api.add({
    method: 'post',
    path: '/api/service-items',
    tag: 'services',
    summary: '新建上门服务项目（管理员）',
    access: ['admin'],
    body: CreateServiceItemBodySchema,
    status: 201,
    handler: async ({ body, actor }) => {
      const item = itemView((await ServiceItem.create(body)).toObject());
      await recordAudit(actor, {
        action: 'service_item.create',
        targetType: 'service_item',
        targetId: item.id,
        changes: changesBetween({}, item, ITEM_FIELDS),
      });
      return item;
    },
  });

  api.add({
    method: 'patch',
    path: '/api/service-items/:id',
    tag: 'services',
    summary: '修改上门服务项目（管理员）：改价、停用或恢复；新价格用于此后预约的服务，已约的保持原价',
    access: ['admin'],
    rules: { '(body)': '至少修改一项' },
    params: IdParamsSchema,
    body: UpdateServiceItemBodySchema,
    handler: async ({ params, body, actor }) => {
      const oid = objectIdOrNull(params.id);
      const before = oid && (await ServiceItem.findById(oid).lean<ServiceItemDoc>());
      if (!before) throw notFound('服务项目');
      const { reason, ...set } = body;
      const changes = changesBetween(itemView(before), itemView({ ...before, ...set }), ITEM_FIELDS);
      if (!changes.length) return itemView(before);
      const after = await ServiceItem.findByIdAndUpdate(
        before._id,
        { $set: set },
        { new: true },
      ).lean<ServiceItemDoc>();
      if (!after) throw notFound('服务项目');
      await recordAudit(actor, {
        action: 'service_item.update',
        targetType: 'service_item',
        targetId: params.id,
        changes,
        reason,
      });
      return itemView(after);
    },
  });

  api.add({
    method: 'get',
    path: '/api/service-items',
    tag: 'services',
    summary: '上门服务项目目录（默认只列可预约的；includeRetired=true 连停用的一起）',
    access: 'signed_in',
    query: ServiceItemListQuerySchema,
    handler: async ({ query }) => {
      const items = await ServiceItem.find({}).sort({ _id: 1 }).limit(200).lean<ServiceItemDoc[]>();
      return {
        items: items.filter((i) => query.includeRetired === 'true' || !i.retired).map(itemView),
      };
    },
  });

  api.add({
    method: 'post',
    path: '/api/service-orders/quote',
    tag: 'services',
    summary: '上门服务试算价格（与下单相同的计算，不保存）',
    access: ['elder', 'family', 'worker', 'admin'],
    otherStatuses: [404, 409],
    rules: { hours: '只用于按小时收费的项目', scheduledAt: '不早于现在' },
    body: ServiceQuoteBodySchema,
    handler: async ({ body, actor }) => {
      const q = await quoteVisit(actor, body, clock());
      return { itemId: String(q.item._id), units: q.units, day: q.day, pricing: q.pricing };
    },
  });

  api.add({
    method: 'post',
    path: '/api/service-orders',
    tag: 'services',
    summary:
      '预约上门服务（长者本人、绑定家属、本社区助老员）；可带 Idempotency-Key，重复提交只约一次；带 packageId 用套餐（扣一次，应付 0；用完 409）',
    access: ['elder', 'family', 'worker', 'admin'],
    headers: OptionalIdempotencyHeadersSchema,
    otherStatuses: [404, 409],
    rules: {
      hours: '只用于按小时收费的项目',
      scheduledAt: '不早于现在',
      packageId: '用套餐时，套餐须是这个服务项目的',
    },
    body: CreateServiceOrderBodySchema,
    status: 201,
    handler: async ({ body, headers, actor, setStatus }) => {
      const { visit, replayed } = await createVisit(actor, body, clock(), headers['idempotency-key']);
      if (replayed) setStatus(200);
      return visitView(visit);
    },
  });

  api.add({
    method: 'get',
    path: '/api/service-orders',
    tag: 'services',
    summary: '我能看到的上门服务订单（含时间线）；服务人员只看派给自己的',
    access: 'signed_in',
    otherStatuses: [404],
    query: ServiceOrderQuerySchema,
    handler: async ({ query, actor }) => {
      if (query.elderId && actor.role !== 'provider') await loadElderFor(actor, query.elderId);
      return {
        items: await withElderContact(actor, (await listVisits(actor, query, clock())).map(visitView)),
      };
    },
  });

  api.add({
    method: 'get',
    path: '/api/service-orders/:id',
    tag: 'services',
    summary: '服务订单详情',
    access: 'signed_in',
    params: IdParamsSchema,
    handler: async ({ params, actor }) =>
      (await withElderContact(actor, [visitView(await loadVisitFor(actor, params.id))]))[0],
  });

  api.add({
    method: 'post',
    path: '/api/service-orders/:id/dispatch',
    tag: 'services',
    summary: '派单给服务人员（助老员、管理员）',
    access: ['worker', 'admin'],
    otherStatuses: [409],
    rules: { providerUserId: '必须是已有的服务人员' },
    params: IdParamsSchema,
    body: DispatchBodySchema,
    handler: async ({ params, body, actor }) => {
      const order = await loadVisitFor(actor, params.id);
      assertCommunityStaff(actor, order);
      const provider = await User.findById(objectIdOrNull(body.providerUserId)).lean();
      if (!provider || provider.role !== 'provider')
        throw validationFailed({ providerUserId: '服务人员不存在' });
      const now = clock();
      const providerRef = { userId: String(provider._id), name: provider.name };
      const updated = await step(
        actor,
        order,
        'dispatch',
        now,
        { provider: providerRef, providerUserId: providerRef.userId },
        provider.name,
      );
      await notify([
        {
          userId: providerRef.userId,
          kind: 'visit_dispatched',
          title: '新的上门服务',
          body: `${updated.item.name}：${updated.elderName}，${updated.day}，${updated.address}`,
          refType: 'service_order',
          refId: String(updated._id),
        },
      ]);
      return visitView(updated);
    },
  });

  for (const [path, action, summary] of [
    ['accept', 'accept', '服务人员接单'],
    ['reject', 'reject', '服务人员拒单（由社区重新派单）'],
  ] as const) {
    api.add({
      method: 'post',
      path: `/api/service-orders/:id/${path}`,
      tag: 'services',
      summary,
      access: 'signed_in',
      otherStatuses: [409],
      params: IdParamsSchema,
      body: NotesBodySchema,
      handler: async ({ params, body, actor }) => {
        const order = await loadVisitFor(actor, params.id);
        return visitView(await step(actor, order, action, clock(), {}, body.notes));
      },
    });
  }

  api.add({
    method: 'post',
    path: '/api/service-orders/:id/check-in',
    tag: 'services',
    summary:
      '服务人员到达签到：只在预约时间前 2 小时到后 4 小时之间（否则 409）；可带位置，离长者住址超过 300 米的服务须经社区审核',
    access: 'signed_in',
    otherStatuses: [409],
    params: IdParamsSchema,
    body: CheckInBodySchema,
    handler: async ({ params, body, actor }) => {
      const order = await loadVisitFor(actor, params.id);
      const now = clock();
      if (order.status === 'accepted') assertCheckInWindow(order, now);
      const home = body.location
        ? (await Elder.findById(objectIdOrNull(order.elderId)).lean())?.location
        : undefined;
      const distanceM = body.location && home ? distanceMetres(home, body.location) : undefined;
      const checkIn = {
        at: now,
        ...(body.location ? { location: body.location } : {}),
        ...(distanceM !== undefined ? { distanceM } : {}),
        farFromHome: distanceM !== undefined && distanceM > CHECK_IN_MAX_DISTANCE_M,
      };
      const note = checkIn.farFromHome ? `签到位置距长者住址 ${distanceM} 米` : undefined;
      return visitView(await step(actor, order, 'check_in', now, { checkIn }, note));
    },
  });

  api.add({
    method: 'post',
    path: '/api/service-orders/:id/check-out',
    tag: 'services',
    summary: '服务人员签退（记录服务时长与说明）',
    access: 'signed_in',
    otherStatuses: [409],
    params: IdParamsSchema,
    body: NotesBodySchema,
    handler: async ({ params, body, actor }) => {
      const order = await loadVisitFor(actor, params.id);
      const now = clock();
      const started = order.checkIn ? new Date(order.checkIn.at).getTime() : now.getTime();
      const durationMin = Math.max(0, Math.round((now.getTime() - started) / 60_000));
      const checkOut = { at: now, durationMin, ...(body.notes ? { notes: body.notes } : {}) };
      // A far check-in or a visit far shorter than the item is held for a worker's review.
      const reasons = visitExceptions({
        distanceM: order.checkIn?.distanceM,
        durationMin,
        itemDurationMin: order.item.durationMin,
      });
      const review = reasons.length
        ? { review: { state: 'pending', reasons }, reviewCommunity: order.communityId }
        : {};
      const updated = await step(
        actor,
        order,
        'check_out',
        now,
        { checkOut, checkOutDay: chinaDate(now), ...review },
        [body.notes, reasons.length ? `待社区审核：${reasons.join('；')}` : undefined]
          .filter(Boolean)
          .join('；') || undefined,
      );
      if (!reasons.length) {
        await bumpCounters(order.communityId, chinaDate(now), { inc: { serviceMinutes: durationMin } });
        await sampleCompletedVisit(updated, now);
      }
      await notify(
        (await elderAndFamily(order.elderId)).map((userId) => ({
          userId,
          kind: 'visit_completed' as const,
          title: '上门服务已完成',
          body: `${order.item.name}已完成，用时 ${durationMin} 分钟，请为服务评价`,
          refType: 'service_order' as const,
          refId: String(order._id),
        })),
      );
      return visitView(updated);
    },
  });

  api.add({
    method: 'post',
    path: '/api/service-orders/:id/rating',
    tag: 'services',
    summary: '长者或家属评价（1–5 分）',
    access: 'signed_in',
    otherStatuses: [409],
    params: IdParamsSchema,
    body: RatingBodySchema,
    handler: async ({ params, body, actor }) => {
      const order = await loadVisitFor(actor, params.id);
      const now = clock();
      const rating = {
        score: body.score,
        at: now,
        by: whoOf(actor),
        ...(body.comment ? { comment: body.comment } : {}),
      };
      const updated = await step(
        actor,
        order,
        'rate',
        now,
        { rating, ratedDay: chinaDate(now) },
        `${body.score} 分`,
      );
      await bumpCounters(order.communityId, chinaDate(now), {
        inc: { ratings: 1, ratingsGood: body.score >= 4 ? 1 : 0 },
      });
      await afterRating(updated, body.score, now);
      return visitView(updated);
    },
  });

  api.add({
    method: 'post',
    path: '/api/service-orders/:id/follow-up',
    tag: 'services',
    summary: '回访（助老员、管理员）：是否满意与记录',
    access: 'signed_in',
    otherStatuses: [409],
    params: IdParamsSchema,
    body: FollowUpBodySchema,
    handler: async ({ params, body, actor }) => {
      const order = await loadVisitFor(actor, params.id);
      const now = clock();
      const followUp = {
        satisfied: body.satisfied,
        at: now,
        by: whoOf(actor),
        ...(body.notes ? { notes: body.notes } : {}),
      };
      const note = `${body.satisfied ? '满意' : '不满意'}${body.notes ? `：${body.notes}` : ''}`;
      const updated = await step(
        actor,
        order,
        'follow_up',
        now,
        { followUp, followUpDay: chinaDate(now) },
        note,
      );
      await bumpCounters(order.communityId, chinaDate(now), {
        inc: { followUps: 1, followUpsSatisfied: body.satisfied ? 1 : 0 },
      });
      await closeTask(updated, followUp);
      return visitView(updated);
    },
  });

  suggestionRoutes(api);
  visitCheckRoutes(api, clock);
}
