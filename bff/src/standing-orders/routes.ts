import {
  CreateStandingOrderBodySchema,
  ForecastQuerySchema,
  IdParamsSchema,
  MaterialiseBodySchema,
  PauseBodySchema,
  PauseParamsSchema,
  StandingOrdersQuerySchema,
  addDays,
  chinaDate,
} from '@yiyangtong/shared';
import { validationFailed } from '../core/errors';
import type { Api } from '../core/route';
import { forecastDates, forecastDay } from './forecast';
import { materialiseDate, type SchedulerOptions } from './scheduler';
import {
  addPause,
  createStandingOrder,
  endStandingOrder,
  listStandingOrders,
  recentRuns,
  removePause,
  standingOrderView,
} from './service';
import { assertStaffOf, findCanteen } from '../places/service';

/** How far ahead an operator may materialise by hand. */
const MATERIALISE_AHEAD_DAYS = 14;

export function standingOrderRoutes(api: Api, opts: SchedulerOptions): void {
  const { clock } = opts;
  api.add({
    method: 'post',
    path: '/api/standing-orders',
    tag: 'standing-orders',
    summary: '设置长期订餐（每周固定几天的同一餐；长者本人、绑定家属、本社区助老员、管理员）',
    access: ['elder', 'family', 'worker', 'admin'],
    otherStatuses: [404, 409],
    rules: {
      slot: '该食堂提供的餐次',
      fulfilment: '该食堂提供的取餐方式',
      address: '送餐时长者需登记了住址',
      items: '同一菜品只能出现一次',
      'items.*.dishId': '这个食堂的菜品',
    },
    body: CreateStandingOrderBodySchema,
    status: 201,
    handler: async ({ body, actor }) => standingOrderView(await createStandingOrder(actor, body, clock())),
  });

  api.add({
    method: 'get',
    path: '/api/standing-orders',
    tag: 'standing-orders',
    summary: '长者的长期订餐（含最近的下单记录）',
    access: ['elder', 'family', 'worker', 'admin'],
    otherStatuses: [404],
    rules: { 'query.elderId': '长者本人以外的人须指定长者' },
    query: StandingOrdersQuerySchema,
    handler: async ({ query, actor }) => {
      const now = clock();
      const list = await listStandingOrders(actor, query.elderId);
      return {
        items: await Promise.all(list.map(async (o) => standingOrderView(o, await recentRuns(o, now)))),
      };
    },
  });

  api.add({
    method: 'post',
    path: '/api/standing-orders/materialise',
    tag: 'standing-orders',
    summary: '立即为某天按长期订餐下单（运维、测试；平时由定时任务完成，重复执行不会重复下单）',
    access: ['admin'],
    rules: { date: '今天到 14 天后' },
    body: MaterialiseBodySchema,
    handler: async ({ body }) => {
      const today = chinaDate(clock());
      if (body.date < today || body.date > addDays(today, MATERIALISE_AHEAD_DAYS))
        throw validationFailed({ date: `只能是今天到 ${MATERIALISE_AHEAD_DAYS} 天后` });
      return materialiseDate(body.date, opts);
    },
  });

  api.add({
    method: 'post',
    path: '/api/standing-orders/:id/pauses',
    tag: 'standing-orders',
    summary: '暂停长期订餐一段日期（外出、住院）；已下的餐在截止前取消',
    access: ['elder', 'family', 'worker', 'admin'],
    otherStatuses: [404, 409],
    rules: { to: '不早于开始日期、不早于今天，一次最多暂停一年' },
    params: IdParamsSchema,
    body: PauseBodySchema,
    status: 201,
    handler: async ({ params, body, actor }) => {
      const { standingOrder, pause, cancelledOrderIds } = await addPause(actor, params.id, body, clock());
      return { ...pause, cancelledOrderIds, standingOrder: standingOrderView(standingOrder) };
    },
  });

  api.add({
    method: 'delete',
    path: '/api/standing-orders/:id/pauses/:pauseId',
    tag: 'standing-orders',
    summary: '删除一段暂停（恢复这些日子的长期订餐）',
    access: ['elder', 'family', 'worker', 'admin'],
    otherStatuses: [404],
    params: PauseParamsSchema,
    handler: async ({ params, actor }) =>
      standingOrderView(await removePause(actor, params.id, params.pauseId)),
  });

  api.add({
    method: 'delete',
    path: '/api/standing-orders/:id',
    tag: 'standing-orders',
    summary: '取消长期订餐（已经下好的餐保留，可在订单里单独取消）',
    access: ['elder', 'family', 'worker', 'admin'],
    otherStatuses: [404],
    params: IdParamsSchema,
    handler: async ({ params, actor }) =>
      standingOrderView(await endStandingOrder(actor, params.id, clock())),
  });

  api.add({
    method: 'get',
    path: '/api/canteens/:id/forecast',
    tag: 'canteen',
    summary: '备餐预估：各餐各菜品份数（已下订单 + 尚未下单的长期订餐）与饮食要求人数',
    access: ['canteen_staff', 'admin'],
    otherStatuses: [404],
    params: IdParamsSchema,
    query: ForecastQuerySchema,
    handler: async ({ params, query, actor }) => {
      assertStaffOf(actor, params.id);
      const canteen = await findCanteen(params.id);
      const now = clock();
      const days = [];
      for (const date of forecastDates(query.date, now)) days.push(await forecastDay(canteen, date, now));
      return { canteenId: params.id, canteenName: canteen.name, days };
    },
  });
}
