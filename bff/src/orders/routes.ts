import {
  BatchMealOrderBodySchema,
  CanteenOrdersQuerySchema,
  CreateMealOrderBodySchema,
  daySheetFigures,
  DeliveryBodySchema,
  IdempotencyHeadersSchema,
  IdParamsSchema,
  MealOrderQuerySchema,
  PickupBodySchema,
  QuoteBodySchema,
} from '@yiyangtong/shared';
import { AppError } from '../core/errors';
import type { Api } from '../core/route';
import { assertStaffOf, findCanteen } from '../places/service';
import { eldersById } from '../sos/service';
import { deliveriesOf, deliveryView, recordDelivery } from './delivery';
import { checkOutByCode } from './pickup';
import { listVisibleOrders, ordersOfCanteenDay } from './queries';
import { cancelOrderAudited, loadOrderFor, orderView, placeOrder, quotePricing, transition } from './service';

export function orderRoutes(api: Api, clock: () => Date): void {
  api.add({
    method: 'post',
    path: '/api/pricing/quote',
    tag: 'orders',
    summary: '试算价格（与下单相同的计算，不保存）',
    access: ['elder', 'family', 'worker', 'admin'],
    otherStatuses: [404, 409],
    rules: {
      slot: '该食堂提供的餐次',
      fulfilment: '该食堂提供的取餐方式',
      address: '送餐时必须有（或长者登记了住址）',
      items: '同一菜品只能出现一次',
      'items.*.dishId': '在这一餐的菜单上',
    },
    body: QuoteBodySchema,
    handler: ({ body, actor }) => quotePricing(actor, body, clock()),
  });

  api.add({
    method: 'post',
    path: '/api/meal-orders',
    tag: 'orders',
    summary:
      '订餐（长者本人、绑定家属、本社区助老员）；需要 Idempotency-Key。已订了这一餐 → 409 ALREADY_BOOKED（error.orderId），除非 additional: true',
    access: ['elder', 'family', 'worker', 'admin'],
    otherStatuses: [200, 404, 409],
    rules: {
      slot: '该食堂提供的餐次',
      fulfilment: '该食堂提供的取餐方式',
      address: '送餐时必须有（或长者登记了住址）',
      items: '同一菜品只能出现一次',
      'items.*.dishId': '在这一餐的菜单上',
    },
    headers: IdempotencyHeadersSchema,
    body: CreateMealOrderBodySchema,
    status: 201,
    handler: async ({ body, headers, actor, setStatus }) => {
      const { order, replayed } = await placeOrder(actor, body, headers['idempotency-key'], clock);
      if (replayed) setStatus(200);
      return orderView(order, actor);
    },
  });

  api.add({
    method: 'post',
    path: '/api/meal-orders/batch',
    tag: 'orders',
    summary: '批量代订：同一餐同样的菜给多位长者，每位长者一行结果；需要 Idempotency-Key',
    access: ['worker', 'admin'],
    otherStatuses: [404, 409],
    rules: {
      slot: '该食堂提供的餐次',
      fulfilment: '该食堂提供的取餐方式',
      address: '送餐时必须有（或长者登记了住址）',
      items: '同一菜品只能出现一次',
      'items.*.dishId': '在这一餐的菜单上',
    },
    headers: IdempotencyHeadersSchema,
    body: BatchMealOrderBodySchema,
    handler: async ({ body, headers, actor }) => {
      const { elderIds, ...rest } = body;
      const key = headers['idempotency-key'];
      // One pass, one elder at a time (portions are taken in order). Each elder's order has
      // its own key derived from the batch key, so the same batch again replays each order
      // that was placed instead of placing a second one.
      const results = [];
      for (const elderId of elderIds) {
        try {
          const { order } = await placeOrder(actor, { ...rest, elderId }, `${key}#${elderId}`, clock);
          results.push({ elderId, status: 201, order: orderView(order, actor) });
        } catch (err) {
          if (!(err instanceof AppError)) throw err;
          results.push({
            elderId,
            status: err.status,
            // ALREADY_BOOKED names the elder's existing order (`orderId`): marked and skipped.
            error: { code: err.code, message: err.message, ...(err.extra ?? {}) },
          });
        }
      }
      return { results };
    },
  });

  api.add({
    method: 'get',
    path: '/api/meal-orders',
    tag: 'orders',
    summary: '我能看到的订餐记录',
    access: 'signed_in',
    otherStatuses: [404],
    query: MealOrderQuerySchema,
    handler: async ({ query, actor }) => ({
      items: (await listVisibleOrders(actor, query, clock())).map((o) => orderView(o, actor)),
    }),
  });

  api.add({
    method: 'get',
    path: '/api/meal-orders/:id',
    tag: 'orders',
    summary: '订单详情',
    access: 'signed_in',
    params: IdParamsSchema,
    handler: async ({ params, actor }) => orderView(await loadOrderFor(actor, params.id), actor),
  });

  api.add({
    method: 'post',
    path: '/api/meal-orders/:id/cancel',
    tag: 'orders',
    summary: '取消订单（截止前；份数退回菜单）',
    access: ['elder', 'family', 'worker', 'admin'],
    otherStatuses: [409],
    params: IdParamsSchema,
    handler: async ({ params, actor }) => {
      return orderView(await cancelOrderAudited(actor, params.id, clock()), actor);
    },
  });

  api.add({
    method: 'post',
    path: '/api/meal-orders/:id/confirm',
    tag: 'canteen',
    summary: '食堂确认订单',
    access: ['canteen_staff', 'admin'],
    otherStatuses: [409],
    params: IdParamsSchema,
    handler: async ({ params, actor }) => {
      const order = await loadOrderFor(actor, params.id);
      return orderView(await transition(order, 'confirm', actor, clock()), actor);
    },
  });

  api.add({
    method: 'get',
    path: '/api/canteens/:id/orders',
    tag: 'canteen',
    summary: '食堂某天（某餐）的订单与各菜品份数',
    access: ['canteen_staff', 'admin'],
    params: IdParamsSchema,
    query: CanteenOrdersQuerySchema,
    handler: async ({ params, query, actor }) => {
      assertStaffOf(actor, params.id);
      await findCanteen(params.id);
      const orders = await ordersOfCanteenDay(params.id, query.date, query.slot);
      const { totals, counts } = daySheetFigures(orders);
      return { items: orders.map((o) => orderView(o, actor)), totals, counts };
    },
  });

  api.add({
    method: 'get',
    path: '/api/canteens/:id/deliveries',
    tag: 'canteen',
    summary: '食堂某天（某餐）要送上门的餐：地址、长者电话（送餐员拨打）、饮食禁忌、菜品、送餐结果',
    access: ['canteen_staff', 'admin'],
    params: IdParamsSchema,
    query: CanteenOrdersQuerySchema,
    handler: async ({ params, query, actor }) => {
      assertStaffOf(actor, params.id);
      await findCanteen(params.id);
      return { items: await deliveriesOf(params.id, query.date, query.slot) };
    },
  });

  api.add({
    method: 'post',
    path: '/api/meal-orders/:id/delivery',
    tag: 'canteen',
    summary:
      '登记送餐结果（本食堂工作人员）：delivered 已送达（订单变为已取餐）；not_home 无人应门、unwell 身体不适 → 发出一次送餐告警（家属与社区助老员收到）；同一结果重复提交不再告警',
    access: ['canteen_staff'],
    otherStatuses: [404, 409],
    params: IdParamsSchema,
    body: DeliveryBodySchema,
    handler: async ({ params, body, actor }) => {
      const { order, alarm } = await recordDelivery(actor, params.id, body, clock());
      const elder = (await eldersById([order.elderId])).get(order.elderId);
      return { ...deliveryView(order, elder), ...(alarm ? { alarm } : {}) };
    },
  });

  api.add({
    method: 'post',
    path: '/api/canteens/:id/pickups',
    tag: 'canteen',
    summary: '凭取餐码核销（当天）',
    access: ['canteen_staff', 'admin'],
    otherStatuses: [404, 409],
    params: IdParamsSchema,
    body: PickupBodySchema,
    handler: async ({ params, body, actor }) => {
      assertStaffOf(actor, params.id);
      return orderView(await checkOutByCode(actor, params.id, body.code, body.date, clock()), actor);
    },
  });
}
