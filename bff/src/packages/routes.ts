import {
  BuyPackageBodySchema,
  chinaMonth,
  CollectPackageBodySchema,
  CreateServicePackageBodySchema,
  IdempotencyHeadersSchema,
  IdParamsSchema,
  UpdateServicePackageBodySchema,
} from '@yiyangtong/shared';
import { recordAudit } from '../audit/record';
import { AppError, notFound } from '../core/errors';
import type { Api } from '../core/route';
import { assertBookable, loadElderFor } from '../elders/access';
import { findItem } from '../services/service';
import { ServicePackage, type ServicePackageDoc } from './model';
import {
  buyPackage,
  collectAtCounter,
  elderPackages,
  elderPackageView,
  nextChinaMonth,
  packageView,
  pricePackage,
} from './service';

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

export function packageRoutes(api: Api, clock: () => Date): void {
  api.add({
    method: 'post',
    path: '/api/service-packages',
    tag: 'services',
    summary: '新建月度服务套餐（管理员）：某个服务项目每月若干次，一个套餐价',
    access: ['admin'],
    otherStatuses: [404],
    body: CreateServicePackageBodySchema,
    status: 201,
    handler: async ({ body, actor }) => {
      const item = await findItem(body.itemId);
      const doc = await ServicePackage.create({
        ...body,
        itemName: item.name,
        category: item.category,
        active: true,
      });
      const view = packageView(doc.toObject());
      await recordAudit(actor, {
        action: 'service_package.create',
        targetType: 'service_package',
        targetId: view.id,
        changes: [
          {
            field: 'package',
            before: null,
            after: `${view.name}：${item.name} 每月 ${view.visitsPerMonth} 次，${yuan(view.price)}`,
          },
        ],
      });
      return view;
    },
  });

  api.add({
    method: 'get',
    path: '/api/service-packages',
    tag: 'services',
    summary: '服务套餐目录（含已停售的，active=false）',
    access: 'signed_in',
    handler: async () => {
      const list = await ServicePackage.find({}).sort({ _id: 1 }).limit(200).lean<ServicePackageDoc[]>();
      return { items: list.map(packageView) };
    },
  });

  api.add({
    method: 'patch',
    path: '/api/service-packages/:id',
    tag: 'services',
    summary: '停售或恢复服务套餐（管理员）：停售后不能再买，已买的照常使用',
    access: ['admin'],
    params: IdParamsSchema,
    body: UpdateServicePackageBodySchema,
    handler: async ({ params, body, actor }) => {
      const before = await ServicePackage.findById(params.id).lean<ServicePackageDoc>();
      if (!before) throw notFound('服务套餐');
      if (before.active === body.active) return packageView(before);
      const after = await ServicePackage.findByIdAndUpdate(
        before._id,
        { $set: { active: body.active } },
        { new: true },
      ).lean<ServicePackageDoc>();
      if (!after) throw notFound('服务套餐');
      await recordAudit(actor, {
        action: 'service_package.update',
        targetType: 'service_package',
        targetId: params.id,
        changes: [{ field: 'active', before: before.active, after: body.active }],
        reason: body.reason,
      });
      return packageView(after);
    },
  });

  api.add({
    method: 'get',
    path: '/api/elders/:id/packages',
    tag: 'services',
    summary:
      '长者本月和下月的套餐（还剩几次；当月未用完的次数月底作废），以及可购买的套餐和按这位长者计算的价格（offers）',
    access: ['elder', 'family', 'worker', 'admin'],
    params: IdParamsSchema,
    handler: async ({ params, actor }) => {
      const elder = await loadElderFor(actor, params.id);
      const now = clock();
      const items = (await elderPackages(params.id, now)).map((p) => elderPackageView(p, now));
      const offers: unknown[] = [];
      const on = await ServicePackage.find({}).sort({ _id: 1 }).limit(200).lean<ServicePackageDoc[]>();
      const month = chinaMonth(now);
      for (const pkg of on.filter((p) => p.active)) {
        for (const m of [month, nextChinaMonth(month)]) {
          try {
            const pricing = await pricePackage(elder, pkg, m, now);
            offers.push({
              ...packageView(pkg),
              packageId: String(pkg._id),
              month: m,
              pricing,
              bought: items.some((i) => i.packageId === String(pkg._id) && i.month === m),
            });
          } catch (err) {
            if (!(err instanceof AppError)) throw err; // an item gone or a price the engine refuses: not offered
          }
        }
      }
      return { items, offers, note: '当月未用完的次数月底作废' };
    },
  });

  api.add({
    method: 'post',
    path: '/api/elders/:id/packages/collect',
    tag: 'services',
    summary: '到社区服务站付的套餐：本社区助老员（或管理员）收款后登记（记入操作记录，只能登记一次）',
    access: ['worker', 'admin'],
    otherStatuses: [409],
    params: IdParamsSchema,
    body: CollectPackageBodySchema,
    handler: async ({ params, body, actor }) => {
      const now = clock();
      return elderPackageView(await collectAtCounter(actor, params.id, body.packageId, body.month, now), now);
    },
  });

  api.add({
    method: 'post',
    path: '/api/elders/:id/packages',
    tag: 'services',
    summary:
      '为长者购买本月或下月的服务套餐（长者、家属、本社区助老员、管理员）：与单次服务同一套价格计算（补贴照常），助餐卡支付或到社区服务站付；须带 Idempotency-Key，重复提交只买一次',
    access: ['elder', 'family', 'worker', 'admin'],
    headers: IdempotencyHeadersSchema,
    otherStatuses: [200, 404, 409],
    rules: { month: '只能是本月或下月' },
    params: IdParamsSchema,
    body: BuyPackageBodySchema,
    status: 201,
    handler: async ({ params, body, headers, actor, setStatus }) => {
      const now = clock();
      assertBookable(await loadElderFor(actor, params.id));
      const { bought, replayed } = await buyPackage(actor, params.id, body, headers['idempotency-key'], now);
      if (replayed) setStatus(200);
      return elderPackageView(bought, now);
    },
  });
}
