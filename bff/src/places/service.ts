/**
 * Places as the other domains use them: a canteen by id (cached briefly), whether it takes
 * orders, a slot's cut-off, whether a community exists, and who may manage a canteen. Routes
 * of other domains import these from here, never from another domain's routes.
 */
import { chinaInstant, type Slot } from '@yiyangtong/shared';
import type { Actor } from '../core/auth';
import { conflict, notFound } from '../core/errors';
import { objectIdOrNull } from '../db/ids';
import { SingleFlight } from '../db/single-flight';
import { Canteen, Community, type CanteenDoc } from './model';

// Canteens change rarely and are read by every menu read and order: cached briefly per process.
const canteenCache = new Map<string, { canteen: CanteenDoc | null; at: number }>();
const CANTEEN_TTL_MS = 5_000;
const canteenReads = new SingleFlight<CanteenDoc | null>();

export async function findCanteen(id: string): Promise<CanteenDoc> {
  const hit = canteenCache.get(id);
  let canteen = hit && Date.now() - hit.at < CANTEEN_TTL_MS ? hit.canteen : undefined;
  if (canteen === undefined) {
    const oid = objectIdOrNull(id);
    canteen = await canteenReads.run(
      id,
      async () => (oid && (await Canteen.findById(oid).lean<CanteenDoc>())) || null,
      (read) => {
        if (canteenCache.size > 10_000) canteenCache.clear();
        canteenCache.set(id, { canteen: read, at: Date.now() });
      },
    );
  }
  if (!canteen) throw notFound('食堂');
  return canteen;
}

/** Drops this process's copy of a canteen (after a change). */
export function forgetCanteen(id: string): void {
  canteenCache.delete(id);
  canteenReads.forget(id);
}

/** A canteen paused (暂停营业) takes no new orders. */
export function assertCanteenOpen(canteen: Pick<CanteenDoc, 'closed' | 'name'>): void {
  if (canteen.closed) throw conflict('CANTEEN_CLOSED', `「${canteen.name}」暂停营业，暂不接受订餐`);
}

export async function communityExists(id: string): Promise<boolean> {
  const oid = objectIdOrNull(id);
  return Boolean(oid && (await Community.exists({ _id: oid })));
}

/** Staff manage only their own canteen; admin any. Others' canteens look absent (404). */
export function assertStaffOf(actor: Actor, canteenId: string): void {
  if (actor.role === 'admin') return;
  if (actor.role === 'canteen_staff' && actor.canteenId === canteenId) return;
  throw notFound('食堂');
}

/** When a slot's booking closes (Asia/Shanghai), or null if the canteen does not serve it. */
export function slotCutoff(canteen: Pick<CanteenDoc, 'slots'>, date: string, slot: Slot): Date | null {
  const config = canteen.slots.find((s) => s.slot === slot);
  return config ? chinaInstant(date, config.cutoff, config.cutoffDayBefore ? 1 : 0) : null;
}
