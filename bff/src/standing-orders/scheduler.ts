/**
 * The standing-order scheduler: turns standing orders into meal orders before each meal's
 * cut-off, through the normal placement (`placeOrder`: menu, portions, subsidy caps, price).
 *
 * Exactly one materialisation per elder, day and meal, whatever runs it — the timer in every
 * BFF process, an operator's trigger, a process restarted after a crash:
 *  1. the run document `_id = elderId:date:slot` is inserted first (E11000: it exists; a run
 *     of another standing order of the same elder and meal means "not ours, skip");
 *  2. the order is placed with the deterministic Idempotency-Key
 *     `standing:<standingOrderId>:<date>:<slot>` as the person who set it up, so a second
 *     process, or a retry after a crash, gets the same order back instead of a new one;
 *  3. the run document records the order (or the failure, with its code and message).
 * No in-memory flag decides anything; the in-process set of finished runs only saves reads.
 *
 * A meal is due from 24 h before its cut-off until the cut-off (tomorrow's lunch from today's
 * lunch cut-off on): menus are normally published by then, and anything missed during a
 * downtime is still placed as long as its cut-off has not passed. A failure (sold out,
 * menu not published, card balance too low…) is retried on later runs until the cut-off,
 * and the elder's family and workers are told once per kind of failure; 'menu not
 * published' only when the cut-off is near, since staff often publish late.
 */
import {
  addDays,
  chinaDate,
  isoWeekday,
  isPausedOn,
  resolveStandingItems,
  type Slot,
  SLOT_LABELS,
} from '@yiyangtong/shared';
import type { Logger } from 'pino';
import type { Actor } from '../core/auth';
import { AppError } from '../core/errors';
import { isDuplicateKeyError } from '../db';
import { conditionalUpdate } from '../db/write-lock';
import { getMenu } from '../menus/cache';
import { menuId } from '../menus/model';
import { communityWorkers, elderAndFamily } from '../notifications/recipients';
import { notify } from '../notifications/notifier';
import { IdempotencyKey } from '../core/idempotency';
import { MealOrder, type MealOrderDoc } from '../orders/model';
import { placeOrder } from '../orders/service';
import { Canteen, type CanteenDoc } from '../places/model';
import {
  runId,
  standingMonth,
  StandingNotice,
  StandingOrder,
  StandingRun,
  type StandingOrderDoc,
  type StandingRunDoc,
} from './model';
import { slotCutoff } from '../places/service';
import { ordersOfCanteenDay } from '../orders/queries';

const DAY_MS = 24 * 3600_000;
/** A meal is due this long before its cut-off. */
const DUE_BEFORE_MS = DAY_MS;
/** 'Menu not published' is told to the family only this close to the cut-off. */
const MENU_LATE_MS = 2 * 3600_000;
/** Placements run this many at a time per canteen. */
const PARALLEL = 4;

export interface SchedulerOptions {
  clock: () => Date;
  log?: Logger;
}

export type Outcome =
  | 'placed'
  | 'already_placed'
  | 'failed'
  | 'in_progress'
  | 'other_standing_order'
  | 'booked_by_hand'
  | 'paused';

export interface MaterialiseReport {
  date: string;
  placed: number;
  alreadyPlaced: number;
  paused: number;
  /** the elder already has that meal, booked by hand: no second one */
  bookedByHand: number;
  inProgress: number;
  failed: { standingOrderId: string; elderId: string; slot: Slot; code: string; message: string }[];
}

const finished = new Set<string>(); // runs known placed: skip their read next time

export const standingKey = (standingOrderId: string, date: string, slot: Slot) =>
  `standing:${standingOrderId}:${date}:${slot}`;

/** Whether `o` wants a meal on `date` at all (active, that weekday, after it was set up). */
export function wantsMeal(o: StandingOrderDoc, date: string): boolean {
  return o.status === 'active' && date > o.startsAfter && o.weekdays.includes(isoWeekday(date));
}

function actorOf(o: StandingOrderDoc): Actor {
  const c = o.createdBy;
  return {
    id: c.userId,
    role: c.role,
    name: c.name,
    ...(c.communityId ? { communityId: c.communityId } : {}),
    ...(c.canteenId ? { canteenId: c.canteenId } : {}),
    ...(c.elderId ? { elderId: c.elderId } : {}),
  };
}

async function readRun(id: string): Promise<StandingRunDoc | null> {
  return StandingRun.findById(id).lean<StandingRunDoc>();
}

/** Inserts the run document, or returns the existing one. */
async function claimRun(o: StandingOrderDoc, date: string, slot: Slot, now: Date): Promise<StandingRunDoc> {
  const id = runId(o.elderId, date, slot);
  const existing = await readRun(id);
  if (existing) return existing;
  const doc: StandingRunDoc = {
    _id: id,
    standingOrderId: String(o._id),
    elderId: o.elderId,
    canteenId: o.canteenId,
    date,
    slot,
    standingMonth: standingMonth(String(o._id), date),
    status: 'pending',
    error: null,
    attempts: 0,
    updatedAt: now,
  };
  try {
    await StandingRun.create(doc);
    return doc;
  } catch (err) {
    if (!isDuplicateKeyError(err)) throw err;
    return (await readRun(id))!;
  }
}

/**
 * Clears the way for placeOrder with our key: true when it may be called now. A key whose
 * order is missing is either being placed right now (another process: come back next run)
 * or was left by a process that died mid-placement: the recovery sweep (core/recovery.ts)
 * frees that one together with the portions and subsidy claim it held, and a later run places it.
 */
async function keyFree(keyId: string): Promise<boolean> {
  const key = await IdempotencyKey.findById(keyId).lean();
  if (!key) return true;
  return Boolean(await MealOrder.exists({ _id: key.orderId })); // placeOrder replays it
}

async function record(id: string, set: Partial<StandingRunDoc>, now: Date): Promise<void> {
  await conditionalUpdate<StandingRunDoc>(
    StandingRun,
    id,
    {},
    { $set: { ...set, updatedAt: now }, $inc: { attempts: 1 } },
  );
}

const WHY: Record<string, string> = {
  SOLD_OUT: '菜已经订完了',
  MENU_NOT_PUBLISHED: '食堂还没有发布这一餐的菜单',
  INSUFFICIENT_BALANCE: '助餐卡余额不够',
  DISH_NOT_ON_MENU: '这一餐的菜单上没有要的菜',
  PAST_CUTOFF: '已过订餐截止时间',
  NOT_FOUND: '长者或食堂信息已变更',
};

/** Tells the elder, linked family and the community's workers, once per run and kind of failure. */
async function tellOnce(
  o: StandingOrderDoc,
  date: string,
  slot: Slot,
  err: { code: string; message: string },
  now: Date,
): Promise<void> {
  try {
    await StandingNotice.create({ _id: `${runId(o.elderId, date, slot)}:${err.code}`, at: now });
  } catch (e) {
    if (isDuplicateKeyError(e)) return;
    throw e;
  }
  const users = [...(await elderAndFamily(o.elderId)), ...(await communityWorkers(o.communityId))];
  const slotWord = SLOT_LABELS[slot];
  const [, m, d] = date.split('-').map(Number);
  const retry = err.code === 'PAST_CUTOFF' ? '' : '截止前会自动再试；也可以换一道菜手动订餐。';
  await notify(
    users.map((userId) => ({
      userId,
      kind: 'standing_order_missed' as const,
      title: `${o.elderName} ${m}月${d}日${slotWord}没订上`,
      body: `长期订餐（${o.canteenName}）这次没有下单：${WHY[err.code] ?? err.message}（${err.message}）。${retry}`,
      refType: 'standing_order' as const,
      refId: String(o._id),
    })),
  );
}

/** Materialises one standing order for one day (its slot). Safe to run anywhere, any number of times. */
export async function materialiseOne(
  o: StandingOrderDoc,
  canteen: CanteenDoc,
  date: string,
  opts: SchedulerOptions,
  bookedByHand: Set<string> = new Set(),
): Promise<{ outcome: Outcome; error?: { code: string; message: string } }> {
  const now = opts.clock();
  const slot = o.slot as Slot;
  const id = runId(o.elderId, date, slot);
  if (finished.has(id)) return { outcome: 'already_placed' };
  if (isPausedOn(o.pauses ?? [], date)) return { outcome: 'paused' };
  // Not recorded: should that order be cancelled, a later run still places the standing one.
  if (bookedByHand.has(`${o.elderId}:${slot}`)) return { outcome: 'booked_by_hand' };
  const run = await claimRun(o, date, slot, now);
  if (run.standingOrderId !== String(o._id)) return { outcome: 'other_standing_order' };
  if (run.status === 'placed') {
    finished.add(id);
    return { outcome: 'already_placed' };
  }
  const key = standingKey(String(o._id), date, slot);
  if (!(await keyFree(`${o.createdBy.userId}:${key}`))) return { outcome: 'in_progress' };

  const cutoffAt = slotCutoff(canteen, date, slot);
  try {
    const menu = await getMenu(menuId(o.canteenId, date, slot));
    // Without a menu, placeOrder answers MENU_NOT_PUBLISHED: ask for the dishes as set up.
    const lines = menu
      ? resolveStandingItems(o.items, menu.items)
      : o.items.map((i) => ({ dishId: i.dishId, qty: i.qty }));
    if (lines.length === 0) throw new AppError(409, 'DISH_NOT_ON_MENU', '这一餐的菜单上没有长期订餐要的菜');
    // 助餐卡 or 到店付 as set up; a card too low → 409 INSUFFICIENT_BALANCE, notified like sold out.
    const { order } = await placeOrder(
      actorOf(o),
      {
        elderId: o.elderId,
        canteenId: o.canteenId,
        date,
        slot,
        items: lines.map((l) => ({ dishId: l.dishId, qty: l.qty })),
        fulfilment: o.fulfilment,
        payment: o.payment,
        standingOrderId: String(o._id),
      },
      key,
      opts.clock,
    );
    await record(id, { status: 'placed', orderId: String(order._id), error: null }, now);
    finished.add(id);
    if (finished.size > 100_000) finished.clear();
    return { outcome: 'placed' };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    // The key was used with other dishes (the menu changed between two attempts): the
    // order it names is ours all the same.
    if (err.code === 'IDEMPOTENCY_KEY_REUSED') {
      const k = await IdempotencyKey.findById(`${o.createdBy.userId}:${key}`).lean();
      if (k && (await MealOrder.exists({ _id: k.orderId }))) {
        await record(id, { status: 'placed', orderId: k.orderId, error: null }, now);
        return { outcome: 'placed' };
      }
    }
    if (err.code === 'REQUEST_IN_PROGRESS') return { outcome: 'in_progress' };
    // Booked by hand since the list above was read (or at another canteen): no second meal,
    // and nothing to tell anyone. Not recorded, as above: should that order be cancelled, a
    // later run still places the standing one.
    if (err.code === 'ALREADY_BOOKED') return { outcome: 'booked_by_hand' };
    const error = { code: err.code, message: err.message };
    await record(id, { status: 'failed', error }, now);
    const late = cutoffAt ? cutoffAt.getTime() - now.getTime() <= MENU_LATE_MS : true;
    if (err.code !== 'MENU_NOT_PUBLISHED' || late) await tellOnce(o, date, slot, error, now);
    return { outcome: 'failed', error };
  }
}

/** Runs `fn` over `items`, `n` at a time. */
async function inParallel<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function emptyReport(date: string): MaterialiseReport {
  return { date, placed: 0, alreadyPlaced: 0, paused: 0, bookedByHand: 0, inProgress: 0, failed: [] };
}

/**
 * Materialises the standing orders of `canteen` for `date`, for the meals `due` says (all
 * meals still before their cut-off when not given).
 */
async function materialiseCanteen(
  canteen: CanteenDoc,
  date: string,
  opts: SchedulerOptions,
  report: MaterialiseReport,
  due: (cutoffAt: Date) => boolean = () => true,
): Promise<void> {
  const now = opts.clock();
  const slots = canteen.slots
    .map((s) => ({ slot: s.slot as Slot, cutoffAt: slotCutoff(canteen, date, s.slot as Slot)! }))
    .filter((s) => now.getTime() < s.cutoffAt.getTime() && due(s.cutoffAt))
    .map((s) => s.slot);
  if (!slots.length) return;
  const orders = (
    await StandingOrder.find({ canteenId: String(canteen._id), status: 'active' })
      .limit(10_000)
      .lean<StandingOrderDoc[]>()
  ).filter((o) => slots.includes(o.slot as Slot) && wantsMeal(o, date));
  if (!orders.length) return;
  const byHand = await bookedByHandOn(String(canteen._id), date);
  await inParallel(orders, PARALLEL, async (o) => {
    try {
      const { outcome, error } = await materialiseOne(o, canteen, date, opts, byHand);
      if (outcome === 'placed') report.placed++;
      else if (outcome === 'already_placed') report.alreadyPlaced++;
      else if (outcome === 'paused') report.paused++;
      else if (outcome === 'booked_by_hand') report.bookedByHand++;
      else if (outcome === 'in_progress') report.inProgress++;
      else if (outcome === 'failed' && error)
        report.failed.push({ standingOrderId: String(o._id), elderId: o.elderId, slot: o.slot, ...error });
    } catch (err) {
      // A database hiccup for one elder must not stop the others; the next run retries.
      opts.log?.error({ err, standingOrderId: String(o._id), date }, 'standing order materialisation failed');
      report.failed.push({
        standingOrderId: String(o._id),
        elderId: o.elderId,
        slot: o.slot,
        code: 'INTERNAL',
        message: '内部错误，稍后自动重试',
      });
    }
  });
}

/**
 * `elderId:slot` of the meals elders booked by hand at this canteen on `date` (live orders
 * not placed by a standing order): the family already booked that lunch, so the standing
 * order does not add a second one. One read keyed `canteenDay`.
 */
export async function bookedByHandOn(canteenId: string, date: string): Promise<Set<string>> {
  return handBooked(await ordersOfCanteenDay(canteenId, date));
}

export function handBooked(orders: MealOrderDoc[]): Set<string> {
  return new Set(
    orders.filter((o) => o.status !== 'cancelled' && !o.standingOrderId).map((o) => `${o.elderId}:${o.slot}`),
  );
}

async function allCanteens(): Promise<CanteenDoc[]> {
  return Canteen.find({}).limit(1000).lean<CanteenDoc[]>();
}

/** An operator's (or a test's) run for one date: every meal of that date still before its cut-off. */
export async function materialiseDate(date: string, opts: SchedulerOptions): Promise<MaterialiseReport> {
  const report = emptyReport(date);
  for (const canteen of await allCanteens()) await materialiseCanteen(canteen, date, opts, report);
  return report;
}

/** One timer run: every meal due now (from 24 h before its cut-off), today to the day after tomorrow. */
export async function materialiseDue(opts: SchedulerOptions): Promise<MaterialiseReport[]> {
  const now = opts.clock();
  const today = chinaDate(now);
  const dates = [today, addDays(today, 1), addDays(today, 2)];
  const reports = dates.map(emptyReport);
  const canteens = await allCanteens();
  for (const [i, date] of dates.entries()) {
    for (const canteen of canteens) {
      await materialiseCanteen(
        canteen,
        date,
        opts,
        reports[i],
        (cutoffAt) => cutoffAt.getTime() - now.getTime() <= DUE_BEFORE_MS,
      );
    }
  }
  return reports;
}

export interface RunningScheduler {
  /** Stops the timer and waits for a run in progress to finish. */
  stop(): Promise<void>;
}

/**
 * Runs `materialiseDue` every `intervalMs` (first run after `firstDelayMs`), never two at
 * once in this process. Every BFF process runs one: the run documents and idempotency keys
 * make the processes agree.
 */
export function startStandingOrderScheduler(
  opts: SchedulerOptions & { intervalMs: number; firstDelayMs?: number },
): RunningScheduler {
  let running: Promise<unknown> | null = null;
  let stopped = false;
  const tick = () => {
    if (running || stopped) return;
    running = materialiseDue(opts)
      .then((reports) => {
        const placed = reports.reduce((s, r) => s + r.placed, 0);
        const failed = reports.reduce((s, r) => s + r.failed.length, 0);
        if (placed || failed) opts.log?.info({ placed, failed }, 'standing orders materialised');
      })
      .catch((err) => opts.log?.error({ err }, 'standing order run failed'))
      .finally(() => {
        running = null;
      });
  };
  const first = setTimeout(tick, opts.firstDelayMs ?? 5_000);
  const timer = setInterval(tick, opts.intervalMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}

export function schedulerFromEnv(env: NodeJS.ProcessEnv, base: SchedulerOptions): RunningScheduler | null {
  const intervalMs = Number(env.STANDING_ORDERS_INTERVAL_MS ?? 5 * 60_000);
  if (!intervalMs) return null;
  return startStandingOrderScheduler({ ...base, intervalMs });
}
