import {
  CreateDishBodySchema,
  DishListQuerySchema,
  DishParamsSchema,
  IdParamsSchema,
  MenuDayParamsSchema,
  MenuParamsSchema,
  PutMenuBodySchema,
  SLOTS,
  UpdateDishBodySchema,
  type Slot,
} from '@yiyangtong/shared';
import { changesBetween, recordAudit } from '../audit/record';
import { conflict, notFound, validationFailed } from '../core/errors';
import { isDuplicateKeyError } from '../db/errors';
import { JsonText, type Api } from '../core/route';
import { conditionalUpdate } from '../db/write-lock';
import { getMenu, remember } from './cache';
import { Dish, Menu, menuId, publicDish, type DishDoc, type MenuDoc, type MenuItem } from './model';
import type { CanteenDoc } from '../places/model';
import { assertStaffOf, findCanteen, slotCutoff } from '../places/service';
import { objectIdOrNull } from '../db/ids';

/** What a person sets on a dish (the audit log compares these). */
const DISH_FIELDS = ['name', 'price', 'tags', 'allergens', 'retired'] as const;

export function menuRoutes(api: Api): void {
  api.add({
    method: 'post',
    path: '/api/canteens/:id/dishes',
    tag: 'menus',
    summary: '新增菜品（本食堂工作人员、管理员）',
    access: ['canteen_staff', 'admin'],
    params: IdParamsSchema,
    body: CreateDishBodySchema,
    status: 201,
    handler: async ({ params, body, actor }) => {
      assertStaffOf(actor, params.id);
      const canteen = await findCanteen(params.id);
      const dish = publicDish(
        (
          await Dish.create({
            ...body,
            canteenId: params.id,
            tags: body.tags ?? [],
            allergens: body.allergens ?? [],
          })
        ).toObject(),
      );
      await recordAudit(actor, {
        action: 'dish.create',
        targetType: 'dish',
        targetId: dish.id,
        communityId: canteen.communityId,
        changes: changesBetween({}, dish, DISH_FIELDS),
      });
      return dish;
    },
  });

  api.add({
    method: 'patch',
    path: '/api/canteens/:id/dishes/:dishId',
    tag: 'menus',
    summary:
      '修改菜品（本食堂工作人员、管理员）：改价、改名、停售或恢复；新价格用于此后保存的菜单，已发布的菜单和已下的单保持原价',
    access: ['canteen_staff', 'admin'],
    rules: { '(body)': '至少修改一项' },
    params: DishParamsSchema,
    body: UpdateDishBodySchema,
    handler: async ({ params, body, actor }) => {
      assertStaffOf(actor, params.id);
      const canteen = await findCanteen(params.id);
      const oid = objectIdOrNull(params.dishId);
      const before = oid && (await Dish.findOne({ _id: oid, canteenId: params.id }).lean<DishDoc>());
      if (!before) throw notFound('菜品');
      const { reason, ...set } = body;
      const changes = changesBetween(publicDish(before), publicDish({ ...before, ...set }), DISH_FIELDS);
      if (!changes.length) return publicDish(before);
      const after = await Dish.findByIdAndUpdate(before._id, { $set: set }, { new: true }).lean<DishDoc>();
      if (!after) throw notFound('菜品');
      await recordAudit(actor, {
        action: 'dish.update',
        targetType: 'dish',
        targetId: params.dishId,
        communityId: canteen.communityId,
        changes,
        reason,
      });
      return publicDish(after);
    },
  });

  api.add({
    method: 'get',
    path: '/api/canteens/:id/dishes',
    tag: 'menus',
    summary: '食堂的菜品（默认只列在售的；includeRetired=true 连停售的一起）',
    access: 'public',
    params: IdParamsSchema,
    query: DishListQuerySchema,
    handler: async ({ params, query }) => ({
      items: (await Dish.find({ canteenId: params.id }).sort({ _id: 1 }).limit(500).lean())
        .filter((d) => query.includeRetired === 'true' || !d.retired)
        .map(publicDish),
    }),
  });

  api.add({
    method: 'put',
    path: '/api/canteens/:id/menus/:date/:slot',
    tag: 'menus',
    summary: '发布或修改某天某餐的菜单与份数',
    access: ['canteen_staff', 'admin'],
    otherStatuses: [409],
    rules: {
      'params.slot': '该食堂提供的餐次',
      items: '同一菜品只能出现一次',
      'items.*.dishId': '本食堂的菜品，未停售（已在这份菜单上的停售菜品可以留着）',
    },
    params: MenuParamsSchema,
    body: PutMenuBodySchema,
    handler: async ({ params, body, actor }) => {
      assertStaffOf(actor, params.id);
      const canteen = await findCanteen(params.id);
      if (!canteen.slots.some((s) => s.slot === params.slot))
        throw validationFailed({ 'params.slot': '该食堂不提供这个餐次' });
      const ids = body.items.map((i) => objectIdOrNull(i.dishId));
      const dishes = await Dish.find({ _id: { $in: ids }, canteenId: params.id }).lean();
      const id = menuId(params.id, params.date, params.slot);
      const onMenuNow = dishes.some((d) => d.retired) ? await getMenu(id) : null;
      const fields: Record<string, string> = {};
      body.items.forEach((item, i) => {
        const dish = dishes.find((d) => String(d._id) === item.dishId);
        if (!dish) fields[`items.${i}.dishId`] = '不是本食堂的菜品';
        else if (dish.retired && !onMenuNow?.items.some((m) => m.dishId === item.dishId))
          fields[`items.${i}.dishId`] = `「${dish.name}」已停售，不能放上菜单`;
      });
      if (Object.keys(fields).length) throw validationFailed(fields);
      const items = body.items.map((i) => {
        const d = dishes.find((x) => String(x._id) === i.dishId)!;
        return { dishId: i.dishId, name: d.name, price: d.price, quota: i.quota };
      });
      const saved = await saveMenu(id, { canteenId: params.id, date: params.date, slot: params.slot }, items);
      remember(id, saved);
      return menuSlotView(saved, slotCutoff(canteen, params.date, params.slot)!);
    },
  });

  api.add({
    method: 'get',
    path: '/api/canteens/:id/menus/:date',
    tag: 'menus',
    summary: '某天的菜单（各餐次、截止时间、余量）',
    access: 'public',
    params: MenuDayParamsSchema,
    handler: async ({ params }) => {
      const canteen = await findCanteen(params.id);
      const offered = SLOTS.filter((slot) => canteen.slots.some((s) => s.slot === slot));
      const menus = await Promise.all(offered.map((slot) => getMenu(menuId(params.id, params.date, slot))));
      // The cached canteen and menus are replaced, never changed, when they change: the same
      // objects mean the same answer, kept as text (its building was a third of the read's CPU).
      const key = `${params.id}:${params.date}`;
      const kept = dayAnswers.get(key);
      if (kept && kept.canteen === canteen && sameMenus(kept.menus, menus)) return kept.answer;
      const answer = new JsonText(
        JSON.stringify(menuDayView(canteen, params.id, params.date, offered, menus)),
      );
      if (dayAnswers.size > 5_000) dayAnswers.clear(); // bound memory; a miss only rebuilds
      dayAnswers.set(key, { canteen, menus, answer });
      return answer;
    },
  });
}

const dayAnswers = new Map<string, { canteen: CanteenDoc; menus: (MenuDoc | null)[]; answer: JsonText }>();
const sameMenus = (a: (MenuDoc | null)[], b: (MenuDoc | null)[]) =>
  a.length === b.length && a.every((menu, i) => menu === b[i]);

function menuDayView(
  canteen: CanteenDoc,
  canteenId: string,
  date: string,
  offered: Slot[],
  menus: (MenuDoc | null)[],
) {
  return {
    date,
    canteenId,
    closed: Boolean(canteen.closed),
    slots: offered.map((slot, i) => {
      const cutoffAt = slotCutoff(canteen, date, slot)!;
      const menu = menus[i];
      return menu ? menuSlotView(menu, cutoffAt) : { slot, cutoffAt: cutoffAt.toISOString(), items: [] };
    }),
  };
}

function menuSlotView(menu: MenuDoc, cutoffAt: Date) {
  return {
    slot: menu.slot,
    cutoffAt: cutoffAt.toISOString(),
    items: menu.items.map((i) => ({
      dishId: i.dishId,
      name: i.name,
      price: i.price,
      quota: i.quota,
      remaining: menu.remaining?.[i.dishId] ?? 0,
    })),
  };
}

/**
 * Publishes or changes a menu while orders take portions from it: `remaining` keeps what is
 * booked. Optimistic: the new items and `remaining` are written only if `remaining` is still
 * what we read (one conditional update, see db/write-lock.ts); an order landing meanwhile
 * makes us read again. `holds` (orders' portions, see orders/stock.ts) are left as they are.
 */
async function saveMenu(
  id: string,
  key: Pick<MenuDoc, 'canteenId' | 'date' | 'slot'>,
  items: MenuItem[],
): Promise<MenuDoc> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const old = await Menu.findById(id).lean<MenuDoc>();
    const booked = (dishId: string) => {
      const was = old?.items.find((i) => i.dishId === dishId);
      return was ? was.quota - (old?.remaining?.[dishId] ?? 0) : 0;
    };
    const remaining: Record<string, number> = {};
    for (const item of items) {
      const left = item.quota - booked(item.dishId);
      if (left < 0)
        throw conflict(
          'QUOTA_BELOW_BOOKED',
          `「${item.name}」已订 ${booked(item.dishId)} 份，份数不能少于已订数`,
        );
      remaining[item.dishId] = left;
    }
    for (const was of old?.items ?? []) {
      if (!items.some((i) => i.dishId === was.dishId) && booked(was.dishId) > 0) {
        throw conflict('QUOTA_BELOW_BOOKED', `「${was.name}」已有人订，不能从菜单移除`);
      }
    }
    const fields = { ...key, items, remaining, updatedAt: new Date() };
    if (!old) {
      try {
        return (await Menu.create({ _id: id, ...fields, holds: {} })).toObject<MenuDoc>();
      } catch (err) {
        if (isDuplicateKeyError(err)) continue; // published at the same moment elsewhere
        throw err;
      }
    }
    const saved = await conditionalUpdate<MenuDoc>(Menu, id, { remaining: old.remaining }, { $set: fields });
    if (saved) return saved;
  }
  throw conflict('BUSY', '菜单正在被同时修改，请稍后再试');
}
