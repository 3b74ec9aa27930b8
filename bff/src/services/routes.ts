import {
  CheckInBodySchema,
  CreateServiceItemBodySchema,
  CreateServiceOrderBodySchema,
  DispatchBodySchema,
  FollowUpBodySchema,
  IdParamsSchema,
  NotesBodySchema,
  RatingBodySchema,
  ServiceOrderQuerySchema,
  ServiceQuoteBodySchema,
  OptionalIdempotencyHeadersSchema,
  ServiceItemListQuerySchema,
  UpdateServiceItemBodySchema,
} from '@yiyangtong/shared';
import { changesBetween, recordAudit } from '../audit/record';
import { notFound } from '../core/errors';
import type { Api } from '../core/route';
import { objectIdOrNull } from '../db/ids';
import { loadElderFor } from '../elders/access';
import { visitCheckRoutes } from './check-routes';
import { listVisits } from './list';
import { ServiceItem, type ServiceItemDoc } from './model';
import { createVisit, loadVisitFor, quoteVisit, visitView, withElderContact } from './service';
import { suggestionRoutes } from './suggestions';
import {
  answerDispatch,
  checkInVisit,
  checkOutVisit,
  dispatchVisit,
  followUpVisit,
  rateVisit,
} from './visit-steps';

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
    handler: async ({ params, body, actor }) =>
      visitView(await dispatchVisit(actor, params.id, body.providerUserId, clock())),
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
      handler: async ({ params, body, actor }) =>
        visitView(await answerDispatch(actor, params.id, action, clock(), body.notes)),
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
    handler: async ({ params, body, actor }) =>
      visitView(await checkInVisit(actor, params.id, body, clock())),
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
    handler: async ({ params, body, actor }) =>
      visitView(await checkOutVisit(actor, params.id, clock(), body.notes)),
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
    handler: async ({ params, body, actor }) => visitView(await rateVisit(actor, params.id, body, clock())),
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
    handler: async ({ params, body, actor }) =>
      visitView(await followUpVisit(actor, params.id, body, clock())),
  });

  suggestionRoutes(api);
  visitCheckRoutes(api, clock);
}
