/**
 * Meal orders without transactions: each step is one document write, and a failed
 * placement undoes the steps already taken (stock, subsidy claim, pickup code, key).
 *
 *  1. Idempotency key `userId:key` inserted 'pending' (E11000 → replay or wait).
 *  2. Quote: elder visible to the caller, canteen slot open (cut-off in China time),
 *     dishes on the menu, pricing by the shared engine.
 *  3. Stock: one conditional update of the menu document through the write lock.
 *  4. Subsidy claim `elderId:date:slot:k` when a capped rule discounts it (unique `_id`).
 *  5. Paid by meal card (`payment: "card"`): the payment entry `pay:<orderId>` is recorded
 *     and applied to the card, held in flight until the order exists (../cards/ledger.ts);
 *     too small a balance → 409 INSUFFICIENT_BALANCE and the steps above are undone.
 *  6. The order itself, with a pickup code unique per canteen and day (unique index); then
 *     the card payment is made final. 到店付 (`counter`, the default) is paid at check-out.
 *
 * Round trips per new order (counted by a test): key, elder, stock, claim (only when a
 * capped rule discounts the meal), order.
 */
import { createHash, randomInt } from 'node:crypto';
import mongoose from 'mongoose';
import {
  computePricing,
  MEAL_ORDER_MACHINE,
  type MealOrderAction,
  type PaymentMethod,
  type Pricing,
  type Slot,
  SLOT_LABELS,
} from '@yiyangtong/shared';
import { applyEntry, finishPayment, recordEntry, undoPayment } from '../cards/ledger';
import type { Actor } from '../core/auth';
import { AppError, conflict, notFound, validationFailed } from '../core/errors';
import { isDuplicateKeyError } from '../db';
import { conditionalUpdate } from '../db/write-lock';
import { BatchedInserts, WriteTooLateError } from '../db/batched-writes';
import { oncePerKey } from '../core/idempotency';
import { placementDeadlineMs } from './recovery-config';
import { dropHold, releaseCancelled, settleHold, takeStock } from './stock';
import { activeRules } from '../discounts/model';
import { assertBookable, loadElderForBooking, mayActForElder } from '../elders/access';
import type { ElderDoc } from '../elders/model';
import { getMenu } from '../menus/cache';
import { menuId, type MenuDoc } from '../menus/model';
import type { CanteenDoc } from '../places/model';
import { onMealPlaced, onMealTransition } from '../reports/meal-events';
import {
  claimId,
  freeSlotKey,
  liveSlotKey,
  MAX_CAP,
  MealOrder,
  orderKeys,
  PICKUP_CODE_INDEX,
  SubsidyClaim,
  type MealOrderDoc,
  type MealOrderStatus,
  type OrderLine,
} from './model';
import { objectIdOrNull } from '../db/ids';
import { assertCanteenOpen, findCanteen, slotCutoff } from '../places/service';
import { applyTransition } from '../db/transition';
import { recordAudit } from '../audit/record';

export interface OrderInput {
  elderId: string;
  canteenId: string;
  date: string;
  slot: Slot;
  items: { dishId: string; qty: number }[];
  fulfilment: 'dine_in' | 'take_away' | 'delivery';
  address?: string;
  /** Set by the standing-order scheduler (never from HTTP): marks the order as coming from it. */
  standingOrderId?: string;
  /** 助餐卡 (paid now from the elder's card) or 到店付 (paid at the counter); default counter. */
  payment?: PaymentMethod;
  /** A second live meal for this elder, date and slot on purpose; otherwise 409 ALREADY_BOOKED. */
  additional?: boolean;
}

interface Quote {
  elder: Readonly<ElderDoc>;
  canteen: CanteenDoc;
  menu: MenuDoc;
  lines: OrderLine[];
  cutoffAt: Date;
  priceWith(subsidisedMealsUsed: number): Promise<Pricing>;
}

export async function quote(actor: Actor, input: OrderInput, now: Date): Promise<Quote> {
  const elder = await loadElderForBooking(actor, input.elderId);
  assertBookable(elder);
  const canteen = await findCanteen(input.canteenId);
  assertCanteenOpen(canteen);
  const cutoffAt = slotCutoff(canteen, input.date, input.slot);
  if (!cutoffAt) throw validationFailed({ slot: '该食堂不提供这个餐次' });
  if (!canteen.fulfilment.includes(input.fulfilment))
    throw validationFailed({ fulfilment: '该食堂不提供这种取餐方式' });
  if (now.getTime() >= cutoffAt.getTime()) {
    throw conflict('PAST_CUTOFF', `已过订餐截止时间（${input.date} ${input.slot}）`);
  }
  const menu = await getMenu(menuId(input.canteenId, input.date, input.slot));
  if (!menu || menu.items.length === 0) throw conflict('MENU_NOT_PUBLISHED', '当天这一餐的菜单还没有发布');
  const fields: Record<string, string> = {};
  const lines: OrderLine[] = [];
  input.items.forEach((item, i) => {
    const onMenu = menu.items.find((m) => m.dishId === item.dishId);
    if (!onMenu) fields[`items.${i}.dishId`] = '该菜品不在这一餐的菜单上';
    else lines.push({ dishId: item.dishId, name: onMenu.name, price: onMenu.price, qty: item.qty });
  });
  if (Object.keys(fields).length) throw validationFailed(fields);
  return {
    elder,
    canteen,
    menu,
    lines,
    cutoffAt,
    priceWith: async (subsidisedMealsUsed) => {
      try {
        const price = (used: number) =>
          computePricing({
            elder: {
              birthDate: elder.birthDate,
              groups: elder.groups ?? [],
              careLevel: elder.careLevel ?? null,
            },
            canteen: {
              id: String(canteen._id),
              district: canteen.district,
              deliveryFee: canteen.deliveryFee,
            },
            date: input.date,
            slot: input.slot,
            items: lines,
            fulfilment: input.fulfilment,
            rules,
            subsidisedMealsUsed: used,
          });
        const rules = await activeRules();
        const pricing = price(subsidisedMealsUsed);
        if (subsidisedMealsUsed === 0) return pricing;
        // Priced as a further meal of the slot: say in words when that is why a subsidy is missing.
        const first = price(0);
        const lost = first.discounts.filter((d) => !pricing.discounts.some((p) => p.ruleId === d.ruleId));
        if (!lost.length) return pricing;
        const cap = Math.min(
          ...lost.map((d) => rules.find((r) => r.id === d.ruleId)?.perElderPerSlotPerDay ?? 1),
        );
        return {
          ...pricing,
          capNote: `每人每餐限补贴${cap}份，这是第${subsidisedMealsUsed + 1}份，不享受「${lost.map((d) => d.name).join('、')}」`,
        };
      } catch (err) {
        if (err instanceof RangeError)
          throw new AppError(409, 'PRICING_UNAVAILABLE', `无法计算价格：${err.message}`);
        throw err;
      }
    },
  };
}

/**
 * Subsidy claims are held only by orders a capped rule discounted, at k < that rule's cap,
 * so reading k = 0 .. (largest cap in force − 1) counts them exactly (holes left by
 * cancellations included). The demo district's caps are 1: one read per order.
 */
async function readClaims(
  elderId: string,
  date: string,
  slot: Slot,
): Promise<{ taken: boolean[]; count: number }> {
  const maxCap = Math.min(
    MAX_CAP,
    Math.max(0, ...(await activeRules()).map((r) => r.perElderPerSlotPerDay ?? 0)),
  );
  const taken = await Promise.all(
    Array.from({ length: maxCap }, async (_, k) =>
      Boolean(await SubsidyClaim.exists({ _id: claimId(elderId, date, slot, k) })),
    ),
  );
  return { taken, count: taken.filter(Boolean).length };
}

/** The smallest cap among the rules that discounted this price, or null when none is capped. */
async function appliedCap(pricing: Pricing): Promise<number | null> {
  const rules = await activeRules();
  const caps = pricing.discounts
    .map((d) => rules.find((r) => r.id === d.ruleId)?.perElderPerSlotPerDay)
    .filter((c): c is number => typeof c === 'number' && c > 0);
  return caps.length ? Math.min(...caps) : null;
}

export async function quotePricing(actor: Actor, input: OrderInput, now: Date): Promise<Pricing> {
  const q = await quote(actor, input, now);
  return q.priceWith((await readClaims(input.elderId, input.date, input.slot)).count);
}

// Placements that arrive together insert their claims and orders together (db/batched-writes.ts).
const claimInserts = new BatchedInserts<{ _id: string; orderId: string }>(SubsidyClaim);
const orderInserts = new BatchedInserts<MealOrderDoc>(MealOrder);

/** Tries to hold claim `id`; false when another order holds it. */
async function tryClaim(id: string, orderId: string): Promise<boolean> {
  try {
    await claimInserts.insert({ _id: id, orderId });
    return true;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    return false;
  }
}

/** Prices the order and, when a capped rule discounts it, holds a subsidy claim; retries when another order took it. */
async function priceAndClaim(
  q: Quote,
  input: OrderInput,
  orderId: string,
): Promise<{ pricing: Pricing; claim?: string }> {
  // The usual case, caps of 1 (one subsidised meal per slot and day): claim 0 is the only
  // claim, so price as if none were used and try to take it — one write, no reads. Taken
  // already → priced again with it counted.
  const maxCap = Math.max(0, ...(await activeRules()).map((r) => r.perElderPerSlotPerDay ?? 0));
  if (maxCap === 1) {
    const pricing = await q.priceWith(0);
    if ((await appliedCap(pricing)) === null) return { pricing };
    const id = claimId(input.elderId, input.date, input.slot, 0);
    if (await tryClaim(id, orderId)) return { pricing, claim: id };
    return { pricing: await q.priceWith(1) };
  }
  for (let attempt = 0; attempt < 10; attempt++) {
    const { taken, count } = await readClaims(input.elderId, input.date, input.slot);
    const pricing = await q.priceWith(count);
    const cap = await appliedCap(pricing);
    if (cap === null) return { pricing };
    // count < cap here (the engine applied the rule), so a free k < cap exists.
    const k = taken.findIndex((t, i) => !t && i < cap);
    if (k < 0) continue;
    const id = claimId(input.elderId, input.date, input.slot, k);
    if (await tryClaim(id, orderId)) return { pricing, claim: id };
    // another order took claim k: count again
  }
  throw conflict('BUSY', '同一时间的订单太多，请稍后再试');
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** Takes the meal's price from the elder's card, held in flight until the order exists. */
async function payByCard(
  actor: Actor,
  input: OrderInput,
  orderId: string,
  payable: number,
  canteenMonth: string,
  now: Date,
): Promise<{ _id: string; elderId: string }> {
  const { entry } = await recordEntry({
    _id: `pay:${orderId}`,
    elderId: input.elderId,
    kind: 'payment',
    amount: -payable,
    orderId,
    canteenMonth,
    by: { userId: actor.id, role: actor.role, name: actor.name },
    method: 'card',
    at: now,
  });
  const outcome = await applyEntry(entry, { keepInflight: true });
  if (outcome.state === 'insufficient')
    throw conflict(
      'INSUFFICIENT_BALANCE',
      `助餐卡余额不足：这餐应付 ${yuan(payable)}，卡上余额 ${yuan(outcome.balance)}。请先充值，或选择到店付`,
    );
  if (outcome.state !== 'inflight') throw conflict('BUSY', '付款没有完成，请重新下单');
  return entry;
}

/** Gives a cancelled card-paid order's money back, once (entry `refund:<orderId>`). */
async function refundCardPayment(
  order: MealOrderDoc,
  by: { userId: string; role: Actor['role']; name?: string },
  at: Date,
): Promise<void> {
  if (order.payment?.method !== 'card' || !(order.payment.amount > 0)) return;
  const { entry } = await recordEntry({
    _id: `refund:${String(order._id)}`,
    elderId: order.elderId,
    kind: 'refund',
    amount: order.payment.amount,
    orderId: String(order._id),
    canteenMonth: order.canteenMonth,
    by: { userId: by.userId, role: by.role, ...(by.name ? { name: by.name } : {}) },
    method: 'card',
    at,
  });
  await applyEntry(entry);
}

const drawPickupCode = () => String(randomInt(0, 1_000_000)).padStart(6, '0');

async function placeNewOrder(
  actor: Actor,
  input: OrderInput,
  now: Date,
  orderId: mongoose.Types.ObjectId,
  deadline: number,
): Promise<MealOrderDoc> {
  const q = await quote(actor, input, now);
  if (input.fulfilment === 'delivery' && !(input.address ?? q.elder.address))
    throw validationFailed({ address: '送餐需要地址' });
  const undo: (() => Promise<unknown>)[] = [];
  const mId = q.menu._id;
  const method = input.payment ?? 'counter';
  const keys = orderKeys({ ...input, communityId: q.elder.communityId });
  const by = { userId: actor.id, role: actor.role };
  let cardPayment: { _id: string; elderId: string } | null = null;
  let placed: MealOrderDoc;
  try {
    await takeStock(mId, String(orderId), q.lines);
    undo.push(() => dropHold(mId, String(orderId)));
    const { pricing, claim } = await priceAndClaim(q, input, String(orderId));
    if (claim) undo.push(() => SubsidyClaim.deleteOne({ _id: claim, orderId: String(orderId) }));
    if (method === 'card' && pricing.payable > 0) {
      cardPayment = await payByCard(actor, input, String(orderId), pricing.payable, keys.canteenMonth, now);
      const paid = cardPayment;
      undo.push(() => undoPayment(paid));
    }
    const fields = {
      _id: orderId,
      elderId: input.elderId,
      elderName: q.elder.name,
      communityId: q.elder.communityId,
      canteenId: input.canteenId,
      date: input.date,
      slot: input.slot,
      items: q.lines,
      fulfilment: input.fulfilment,
      ...(input.fulfilment === 'delivery' ? { address: input.address ?? q.elder.address } : {}),
      pricing,
      payment: {
        method,
        amount: pricing.payable,
        status: method === 'card' || pricing.payable === 0 ? ('paid' as const) : ('unpaid' as const),
        ...(method === 'card' ? { paidAt: now } : {}),
      },
      ...keys,
      ...(claim ? { subsidyClaimId: claim } : {}),
      liveSlot: liveSlotKey(input.elderId, input.date, input.slot),
      bookedBy: {
        ...by,
        name: actor.name,
        ...(input.standingOrderId ? { via: 'standing_order' as const } : {}),
      },
      ...(input.standingOrderId ? { standingOrderId: input.standingOrderId } : {}),
      status: 'placed' as const,
      history: [{ status: 'placed' as const, at: now, by }],
      cutoffAt: q.cutoffAt,
    };
    for (;;) {
      // Past the deadline the recovery sweep may already treat this placement as abandoned
      // and give its portions back: stop rather than create an order it no longer backs
      // (checked again as the insert leaves: it may wait for its batch).
      if (Date.now() > deadline) throw placementTooLate();
      try {
        // Lean: the fields are built right here, typed; hydrating a mongoose document to store
        // them was a fifth of a placement's CPU. createdAt as the schema's timestamps would set it.
        const doc = { ...fields, pickupCode: drawPickupCode(), createdAt: new Date() } as MealOrderDoc;
        await orderInserts.insert(doc, deadline);
        placed = doc;
        break;
      } catch (err) {
        if (err instanceof WriteTooLateError) throw placementTooLate();
        if (!isDuplicateKeyError(err)) throw err;
        // FerretDB's E11000 does not name the index: look for the order holding the meal.
        const message = String((err as Error).message);
        const holder = message.includes(PICKUP_CODE_INDEX) ? null : await liveOrder(fields.liveSlot);
        if (holder) {
          // The elder has this meal already: a second one only when asked for (`additional`).
          if (!input.additional) throw alreadyBooked(holder, input);
          fields.liveSlot = freeSlotKey(String(orderId));
          continue;
        }
        // The code is taken at this canteen today: draw another (1 in 10⁶ per order).
      }
    }
    if (cardPayment && !(await finishPayment(cardPayment))) {
      // Voided meanwhile (only a placement stalled for a minute): the order goes too.
      undo.push(() => MealOrder.deleteOne({ _id: orderId }));
      throw conflict('BUSY', '付款超时，请重新下单');
    }
  } catch (err) {
    for (const step of undo.reverse()) await step().catch(() => undefined);
    throw err;
  }
  settleHold(mId, String(orderId));
  await onMealPlaced(placed);
  return placed;
}

const placementTooLate = () => conflict('BUSY', '系统繁忙，订单没有下成，请再试一次');

const liveOrder = (liveSlot: string) => MealOrder.findOne({ liveSlot }).lean<MealOrderDoc>();

/** 409 ALREADY_BOOKED naming the live order that holds the elder's meal (`error.orderId`). */
function alreadyBooked(existing: MealOrderDoc, input: OrderInput): AppError {
  const id = String(existing._id);
  const [, m, d] = input.date.split('-').map(Number);
  return new AppError(
    409,
    'ALREADY_BOOKED',
    `已经订了${m}月${d}日${SLOT_LABELS[input.slot]}（订单 ${id}）；要再订一份，请说明是再订一份（additional）`,
    undefined,
    undefined,
    { orderId: id },
  );
}

const requestHash = (input: OrderInput) => createHash('sha256').update(JSON.stringify(input)).digest('hex');

/** Places an order once per (caller, Idempotency-Key); a repeat returns the same order (core/idempotency.ts). */
export async function placeOrder(
  actor: Actor,
  input: OrderInput,
  key: string,
  now: () => Date,
): Promise<{ order: MealOrderDoc; replayed: boolean }> {
  const { result: order, replayed } = await oncePerKey({
    keyId: `${actor.id}:${key}`,
    requestHash: requestHash(input),
    journal: {
      menuId: menuId(input.canteenId, input.date, input.slot),
      elderId: input.elderId,
      date: input.date,
      slot: input.slot,
    },
    find: (id) => MealOrder.findById(id).lean<MealOrderDoc>().exec(),
    create: (orderId) => placeNewOrder(actor, input, now(), orderId, Date.now() + placementDeadlineMs()),
    messages: {
      reused: '这个 Idempotency-Key 已用于另一笔不同的订单',
      inProgress: '相同的订单正在处理中，请稍后刷新',
    },
  });
  return { order, replayed };
}

/** The order if the caller may see it: its canteen's staff, or whoever may act for the elder. */
export async function loadOrderFor(actor: Actor, id: string): Promise<MealOrderDoc> {
  const oid = objectIdOrNull(id);
  const order = oid && (await MealOrder.findById(oid).lean<MealOrderDoc>());
  if (!order) throw notFound('订单');
  const visible =
    actor.role === 'canteen_staff'
      ? actor.canteenId === order.canteenId
      : await mayActForElder(actor, {
          _id: new mongoose.Types.ObjectId(order.elderId),
          communityId: order.communityId,
        });
  if (!visible) throw notFound('订单');
  return order;
}

/** Confirms, serves or cancels an order (MEAL_ORDER_MACHINE, one conditional write), or 409 naming its state. */
export async function transition(
  order: MealOrderDoc,
  action: MealOrderAction,
  actor: Actor,
  at: Date,
  alsoSet: Record<string, unknown> = {},
): Promise<MealOrderDoc> {
  const to = MEAL_ORDER_MACHINE.to(action);
  const updated = await applyTransition<MealOrderDoc, MealOrderStatus, MealOrderAction>(
    MealOrder,
    String(order._id),
    MEAL_ORDER_MACHINE,
    action,
    { set: alsoSet, push: { history: { status: to, at, by: { userId: actor.id, role: actor.role } } } },
  );
  if (updated) {
    await onMealTransition(order, updated);
    return updated;
  }
  const current = await MealOrder.findById(order._id).lean<MealOrderDoc>();
  const names: Record<MealOrderStatus, string> = {
    placed: '已下单',
    confirmed: '已确认',
    served: '已取餐',
    cancelled: '已取消',
  };
  const code =
    current?.status === 'served'
      ? 'ALREADY_SERVED'
      : current?.status === 'cancelled'
        ? 'ORDER_CANCELLED'
        : 'WRONG_STATE';
  throw conflict(
    code,
    `订单${names[current?.status ?? order.status]}，不能再${({ confirmed: '确认', served: '取餐', cancelled: '取消', placed: '下单' } as const)[to]}`,
  );
}

export async function cancelOrder(actor: Actor, id: string, now: Date): Promise<MealOrderDoc> {
  const order = await loadOrderFor(actor, id);
  if (actor.role === 'canteen_staff') throw new AppError(403, 'FORBIDDEN', '食堂工作人员不能替长者取消订单');
  if (now.getTime() >= new Date(order.cutoffAt).getTime() && order.status !== 'cancelled') {
    throw conflict('PAST_CUTOFF', '已过订餐截止时间，不能取消');
  }
  // `pendingRelease` until the money, the portions and the subsidy slot are back: a crash in
  // between leaves it set, and the recovery sweep finishes the job (every step is idempotent).
  const cancelled = await transition(order, 'cancel', actor, now, {
    pendingRelease: true,
    liveSlot: freeSlotKey(String(order._id)),
  });
  return finishCancellation(cancelled);
}

/**
 * Gives a cancelled order's card payment back (entry `refund:<orderId>`, once), its portions
 * back to the menu and frees its subsidy claim; idempotent, so the recovery sweep may redo it.
 */
export async function finishCancellation(order: MealOrderDoc): Promise<MealOrderDoc> {
  const id = String(order._id);
  const cancel = [...order.history].reverse().find((h) => h.status === 'cancelled');
  await refundCardPayment(order, cancel?.by ?? order.bookedBy, cancel?.at ?? new Date());
  await releaseCancelled(menuId(order.canteenId, order.date, order.slot), id, order.items);
  if (order.subsidyClaimId) await SubsidyClaim.deleteOne({ _id: order.subsidyClaimId, orderId: id });
  await handOverLiveSlot(order);
  return (
    (await conditionalUpdate<MealOrderDoc>(MealOrder, id, {}, { $unset: { pendingRelease: 1 } })) ?? order
  );
}

/**
 * A cancelled order held the elder's meal while a second one (added on purpose) lives on:
 * that one now holds it, so a later booking is again told the elder has this meal.
 */
async function handOverLiveSlot(order: MealOrderDoc): Promise<void> {
  const key = liveSlotKey(order.elderId, order.date, order.slot);
  const others = await MealOrder.find({ elderMonth: order.elderMonth }).limit(500).lean<MealOrderDoc[]>();
  if (others.some((o) => o.liveSlot === key)) return;
  const next = others.find(
    (o) => o.status !== 'cancelled' && o.date === order.date && o.slot === order.slot && o.liveSlot !== key,
  );
  if (!next) return;
  await conditionalUpdate<MealOrderDoc>(
    MealOrder,
    String(next._id),
    { status: { $ne: 'cancelled' } },
    { $set: { liveSlot: key } },
  ).catch((err) => {
    if (!isDuplicateKeyError(err)) throw err; // a new booking took it meanwhile
  });
}

export function orderView(o: MealOrderDoc, viewer: Actor) {
  return {
    id: String(o._id),
    elderId: o.elderId,
    elderName: o.elderName,
    canteenId: o.canteenId,
    date: o.date,
    slot: o.slot,
    items: o.items.map((i) => ({ dishId: i.dishId, name: i.name, price: i.price, qty: i.qty })),
    fulfilment: o.fulfilment,
    ...(o.address ? { address: o.address } : {}),
    status: o.status,
    pricing: o.pricing,
    payment: paymentView(o),
    // The code is the elder's proof at the counter: staff check it, they are not shown it.
    ...(viewer.role === 'canteen_staff' ? {} : { pickupCode: o.pickupCode }),
    bookedBy: o.bookedBy,
    ...(o.standingOrderId ? { standingOrderId: o.standingOrderId } : {}),
    // What the courier found at the door (送达 / 无人应门 / 身体不适), when it was delivered to the home.
    ...(o.delivery
      ? { delivery: { outcome: o.delivery.outcome, at: new Date(o.delivery.at).toISOString() } }
      : {}),
    history: o.history.map((h) => ({ status: h.status, at: new Date(h.at).toISOString(), by: h.by })),
    cutoffAt: new Date(o.cutoffAt).toISOString(),
    createdAt: new Date(o.createdAt).toISOString(),
  };
}

/** How the order is paid; orders from before cards were counter orders. */
export function paymentView(o: MealOrderDoc) {
  const p = o.payment ?? { method: 'counter' as const, amount: o.pricing.payable, status: 'unpaid' as const };
  const status = o.status === 'cancelled' && p.method === 'card' && p.amount > 0 ? 'refunded' : p.status;
  return {
    method: p.method,
    amount: p.amount,
    status: o.status === 'served' && p.method === 'counter' ? 'paid' : status,
    ...(p.collectedBy ? { collectedBy: p.collectedBy } : {}),
  };
}

/**
 * 到店付 is taken when the meal is handed over (at the counter, or at the door by the courier):
 * the payment to record with the serve, with who took the money. A card order was paid already.
 */
export function counterCollection(
  order: MealOrderDoc,
  by: { userId: string; role: string; name?: string },
  now: Date,
) {
  return order.payment?.method === 'card'
    ? {}
    : {
        payment: {
          method: 'counter',
          amount: order.pricing.payable,
          status: 'paid',
          paidAt: now,
          collectedBy: by,
        },
      };
}

/** A person cancels an order (before the cut-off): cancelled as cancelOrder does, and on the audit log. */
export async function cancelOrderAudited(actor: Actor, id: string, now: Date): Promise<MealOrderDoc> {
  const order = await cancelOrder(actor, id, now);
  await recordAudit(actor, {
    action: 'meal_order.cancel',
    targetType: 'meal_order',
    targetId: id,
    communityId: order.communityId,
    changes: [{ field: 'status', after: 'cancelled' }],
    reason: `${order.date} ${SLOT_LABELS[order.slot]}，应付 ¥${(order.pricing.payable / 100).toFixed(2)}`,
  });
  return order;
}
