import {
  CreateCanteenBodySchema,
  CreateCommunityBodySchema,
  distanceMetres,
  IdParamsSchema,
  NearbyCanteensQuerySchema,
  UpdateCanteenBodySchema,
} from '@yiyangtong/shared';
import { changesBetween, recordAudit } from '../audit/record';
import { notFound, validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import { upcomingSlots } from './availability';
import { Canteen, Community, publicCanteen, publicCommunity, type CanteenDoc } from './model';
import { objectIdOrNull } from '../db/ids';
import { findCanteen, forgetCanteen } from './service';

/** What a person sets on a canteen (the audit log compares these). */
const CANTEEN_FIELDS = [
  'name',
  'communityId',
  'address',
  'location',
  'slots',
  'fulfilment',
  'deliveryFee',
  'closed',
] as const;

/** Plain JSON of the settable fields, so before and after compare alike. */
function canteenFields(c: Partial<CanteenDoc>): Record<string, unknown> {
  const view = publicCanteen({ slots: [], fulfilment: [], ...c } as CanteenDoc);
  const out: Record<string, unknown> = {};
  for (const f of CANTEEN_FIELDS) if (view[f] !== undefined) out[f] = view[f];
  out.location = c.location ? { lng: c.location.lng, lat: c.location.lat } : undefined;
  return out;
}

export function placeRoutes(api: Api, clock: () => Date = () => new Date()): void {
  api.add({
    method: 'post',
    path: '/api/communities',
    tag: 'places',
    summary: '新建社区',
    access: ['admin'],
    body: CreateCommunityBodySchema,
    status: 201,
    handler: async ({ body }) => publicCommunity((await Community.create(body)).toObject()),
  });

  api.add({
    method: 'get',
    path: '/api/communities',
    tag: 'places',
    summary: '社区列表',
    access: 'signed_in',
    handler: async () => ({
      items: (await Community.find().sort({ name: 1 }).limit(500).lean()).map(publicCommunity),
    }),
  });

  api.add({
    method: 'post',
    path: '/api/canteens',
    tag: 'places',
    summary: '新建长者食堂',
    access: ['admin'],
    rules: { communityId: '必须是已有的社区', slots: '每个餐次只能出现一次' },
    body: CreateCanteenBodySchema,
    status: 201,
    handler: async ({ body, actor }) => {
      const oid = objectIdOrNull(body.communityId);
      const community = oid && (await Community.findById(oid).lean());
      if (!community) throw validationFailed({ communityId: '社区不存在' });
      const canteen = publicCanteen(
        (await Canteen.create({ ...body, district: community.district })).toObject(),
      );
      await recordAudit(actor, {
        action: 'canteen.create',
        targetType: 'canteen',
        targetId: canteen.id,
        communityId: canteen.communityId,
        changes: changesBetween({}, canteenFields(canteen as Partial<CanteenDoc>), CANTEEN_FIELDS),
      });
      return canteen;
    },
  });

  api.add({
    method: 'patch',
    path: '/api/canteens/:id',
    tag: 'places',
    summary: '修改食堂设置（管理员）：餐次与截止时间、取餐方式、送餐费、名称地址、暂停营业；只影响此后下的单',
    access: ['admin'],
    rules: { slots: '每个餐次只能出现一次', '(body)': '至少修改一项' },
    params: IdParamsSchema,
    body: UpdateCanteenBodySchema,
    handler: async ({ params, body, actor }) => {
      const oid = objectIdOrNull(params.id);
      const before = oid && (await Canteen.findById(oid).lean<CanteenDoc>());
      if (!before) throw notFound('食堂');
      const { reason, ...set } = body;
      const changes = changesBetween(
        canteenFields(before),
        canteenFields({ ...before, ...set }),
        CANTEEN_FIELDS,
      );
      if (!changes.length) return publicCanteen(before);
      const after = await Canteen.findByIdAndUpdate(
        before._id,
        { $set: set },
        { new: true },
      ).lean<CanteenDoc>();
      if (!after) throw notFound('食堂');
      forgetCanteen(params.id);
      await recordAudit(actor, {
        action: 'canteen.update',
        targetType: 'canteen',
        targetId: params.id,
        communityId: after.communityId,
        changes,
        reason,
      });
      return publicCanteen(after);
    },
  });

  api.add({
    method: 'get',
    path: '/api/canteens',
    tag: 'places',
    summary:
      '附近的食堂（按距离由近到远）；每项带今明两天各餐次能否订（upcoming: open 可订 / sold_out 已订完 / closed 已截止、暂停营业或未发布菜单）',
    access: 'public',
    query: NearbyCanteensQuerySchema,
    handler: async ({ query }) => {
      const now = clock();
      // Canteens per district are few; distance is computed here (FerretDB has no geo index).
      const all = await Canteen.find(query.communityId ? { communityId: query.communityId } : {})
        .limit(2000)
        .lean<CanteenDoc[]>();
      const here =
        query.lng === undefined || query.lat === undefined ? null : { lng: query.lng, lat: query.lat };
      const listed = all
        .map((c) => ({ doc: c, distanceM: here ? distanceMetres(here, c.location) : undefined }))
        .filter(
          (c) => query.radius === undefined || c.distanceM === undefined || c.distanceM <= query.radius,
        );
      // Only the canteens listed: their menus by `_id`, through the menu cache.
      const items = await Promise.all(
        listed.map(async ({ doc, distanceM }) => ({
          ...publicCanteen(doc),
          ...(distanceM === undefined ? {} : { distanceM }),
          upcoming: await upcomingSlots(doc, now),
        })),
      );
      if (!here) return { items: items.sort((a, b) => a.name.localeCompare(b.name, 'zh')) };
      return { items: items.sort((a, b) => a.distanceM! - b.distanceM!) };
    },
  });

  api.add({
    method: 'get',
    path: '/api/canteens/:id',
    tag: 'places',
    summary: '食堂详情',
    access: 'public',
    params: IdParamsSchema,
    handler: async ({ params }) => publicCanteen(await findCanteen(params.id)),
  });
}
