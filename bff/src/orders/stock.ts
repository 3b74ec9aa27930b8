/**
 * Portions on a menu document, each change ONE conditional update (db/write-lock.ts), and
 * each recorded on the menu in that same update so a crash can be repaired exactly:
 *
 * - taking portions writes `holds.o<orderId>` = {dishId: qty} beside the decrement (placements
 *   queued on one menu take theirs in one update, each still held to the portions left);
 * - a placement that fails gives them back only while its hold is there (and drops it);
 * - a cancelled order gives them back only once (`released.o<orderId>`);
 * - holds of orders that now exist are dropped lazily, riding on the next stock update of
 *   the same menu (no extra write per order).
 *
 * So quota − remaining = portions of live orders + holds of placements not yet finished,
 * and the recovery sweep (./recovery.ts) gives back holds whose order never came to exist.
 */
import { conflict } from '../core/errors';
import { GroupCommit } from '../db/group-commit';
import { conditionalUpdate } from '../db/write-lock';
import { forget, remember } from '../menus/cache';
import { Menu, type MenuDoc } from '../menus/model';
import type { OrderLine } from './model';

const holdKey = (orderId: string) => `o${orderId}`;

/** Holds of orders that were placed, per menu, to drop with that menu's next stock update. */
const settled = new Map<string, Set<string>>();
const MAX_DROPS_PER_UPDATE = 50;

/** The order behind a hold now exists: its hold is no longer needed. */
export function settleHold(menuId: string, orderId: string): void {
  let set = settled.get(menuId);
  if (!set) settled.set(menuId, (set = new Set()));
  if (set.size < 10_000) set.add(holdKey(orderId));
}

function qtyByDish(lines: Pick<OrderLine, 'dishId' | 'qty'>[]): Record<string, number> {
  const q: Record<string, number> = {};
  for (const l of lines) q[l.dishId] = (q[l.dishId] ?? 0) + l.qty;
  return q;
}

/** Placements waiting on the same menu are decided together (db/group-commit.ts). */
const stockTakes = new GroupCommit<{ orderId: string; qty: Record<string, number> }, MenuDoc | null>(
  async (menuId, takes) => {
    if (takes.length > 1) {
      const all = await takeTogether(menuId, takes);
      if (all) return takes.map(() => all);
    }
    // Not enough for all of them (or one alone): each in turn, held to the portions left.
    const each: (MenuDoc | null)[] = [];
    for (const take of takes) each.push(await takeTogether(menuId, [take]));
    return each;
  },
);

/**
 * One conditional update for all `takes`: the portions of all of them are there (their sum),
 * taken, and each recorded as its order's hold; or nothing changes (null).
 */
async function takeTogether(
  menuId: string,
  takes: { orderId: string; qty: Record<string, number> }[],
): Promise<MenuDoc | null> {
  const total: Record<string, number> = {};
  const holds: Record<string, Record<string, number>> = {};
  for (const { orderId, qty } of takes) {
    for (const [dishId, n] of Object.entries(qty)) total[dishId] = (total[dishId] ?? 0) + n;
    holds[`holds.${holdKey(orderId)}`] = qty;
  }
  const condition: Record<string, unknown> = {};
  const inc: Record<string, number> = {};
  for (const [dishId, n] of Object.entries(total)) {
    condition[`remaining.${dishId}`] = { $gte: n };
    inc[`remaining.${dishId}`] = -n;
  }
  const drops = [...(settled.get(menuId) ?? [])].slice(0, MAX_DROPS_PER_UPDATE);
  const updated = await conditionalUpdate<MenuDoc>(Menu, menuId, condition, {
    $inc: { ...inc, rev: 1 },
    $set: holds,
    ...(drops.length ? { $unset: Object.fromEntries(drops.map((h) => [`holds.${h}`, ''])) } : {}),
  });
  if (updated) {
    const set = settled.get(menuId);
    for (const h of drops) set?.delete(h);
    if (set && !set.size) settled.delete(menuId);
    remember(menuId, updated);
  }
  return updated;
}

/** Takes the order's portions (all or none) and records them as its hold; 409 SOLD_OUT when short. */
export async function takeStock(menuId: string, orderId: string, lines: OrderLine[]): Promise<void> {
  const qty = qtyByDish(lines);
  if (await stockTakes.run(menuId, { orderId, qty })) return;
  // Read outside the lock (a cancellation may land meanwhile): used for the message only.
  const current = await Menu.findById(menuId).lean<MenuDoc>();
  forget(menuId);
  const short = lines.find((l) => (current?.remaining?.[l.dishId] ?? 0) < qty[l.dishId]);
  const left = short ? (current?.remaining?.[short.dishId] ?? 0) : 0;
  throw conflict(
    'SOLD_OUT',
    short ? (left > 0 ? `「${short.name}」只剩 ${left} 份` : `「${short.name}」已售罄`) : '菜品已售罄',
  );
}

/**
 * Gives back the portions a placement held, if its hold is still on the menu (a failed
 * placement's undo, or the recovery sweep for one that crashed). Returns whether it did.
 */
export async function dropHold(menuId: string, orderId: string): Promise<boolean> {
  const menu = await Menu.findById(menuId).lean<MenuDoc>();
  const held = menu?.holds?.[holdKey(orderId)];
  if (!held) return false;
  const inc = Object.fromEntries(Object.entries(held).map(([dishId, n]) => [`remaining.${dishId}`, n]));
  const updated = await conditionalUpdate<MenuDoc>(
    Menu,
    menuId,
    { [`holds.${holdKey(orderId)}`]: { $exists: true } },
    { $inc: { ...inc, rev: 1 }, $unset: { [`holds.${holdKey(orderId)}`]: '' } },
  );
  if (updated) remember(menuId, updated);
  return Boolean(updated);
}

/** Gives back a cancelled order's portions, once however often it is called. */
export async function releaseCancelled(
  menuId: string,
  orderId: string,
  lines: Pick<OrderLine, 'dishId' | 'qty'>[],
): Promise<boolean> {
  const inc = Object.fromEntries(Object.entries(qtyByDish(lines)).map(([d, n]) => [`remaining.${d}`, n]));
  const updated = await conditionalUpdate<MenuDoc>(
    Menu,
    menuId,
    { [`released.${holdKey(orderId)}`]: { $exists: false } },
    {
      $inc: { ...inc, rev: 1 },
      $set: { [`released.${holdKey(orderId)}`]: true },
      $unset: { [`holds.${holdKey(orderId)}`]: '' },
    },
  );
  if (updated) remember(menuId, updated);
  return Boolean(updated);
}
