/**
 * Whether each meal of today and tomorrow (China dates) can still be booked at a canteen,
 * for the public canteen list: `closed` once the slot's cut-off has passed (or the canteen is
 * paused, or no menu is published), `sold_out` when every dish of the published menu has no
 * portion left, else `open`. Menus are read by `_id` through the menu cache (menus/cache.ts):
 * index-backed equality reads, at most 2 days × the canteen's slots per canteen listed, and
 * the list is read by many elders at once — the cache answers most of them.
 */
import { addDays, chinaDate, chinaInstant, type Slot } from '@yiyangtong/shared';
import { getMenu } from '../menus/cache';
import { menuId, type MenuDoc } from '../menus/model';
import type { CanteenDoc } from './model';

export type SlotAvailability = 'open' | 'sold_out' | 'closed';

export interface UpcomingSlot {
  date: string;
  slot: Slot;
  cutoffAt: string;
  availability: SlotAvailability;
}

export function availabilityOf(
  canteen: Pick<CanteenDoc, 'closed'>,
  menu: Pick<MenuDoc, 'items' | 'remaining'> | null,
  cutoffAt: Date,
  now: Date,
): SlotAvailability {
  if (canteen.closed || now.getTime() >= cutoffAt.getTime()) return 'closed';
  if (!menu || menu.items.length === 0) return 'closed';
  const left = (dishId: string) => menu.remaining?.[dishId] ?? 0;
  return menu.items.every((i) => left(i.dishId) <= 0) ? 'sold_out' : 'open';
}

/** Today's and tomorrow's meals of one canteen, in date then slot order. */
export async function upcomingSlots(canteen: CanteenDoc, now: Date): Promise<UpcomingSlot[]> {
  const today = chinaDate(now);
  const order: Slot[] = ['breakfast', 'lunch', 'dinner'];
  const configs = [...(canteen.slots ?? [])].sort((a, b) => order.indexOf(a.slot) - order.indexOf(b.slot));
  const id = String(canteen._id);
  const wanted = [today, addDays(today, 1)].flatMap((date) => configs.map((config) => ({ date, config })));
  return Promise.all(
    wanted.map(async ({ date, config }) => {
      const cutoffAt = chinaInstant(date, config.cutoff, config.cutoffDayBefore ? 1 : 0);
      // A paused canteen or a passed cut-off needs no menu read.
      const needsMenu = !canteen.closed && now.getTime() < cutoffAt.getTime();
      const menu = needsMenu ? await getMenu(menuId(id, date, config.slot)) : null;
      return {
        date,
        slot: config.slot,
        cutoffAt: cutoffAt.toISOString(),
        availability: availabilityOf(canteen, menu, cutoffAt, now),
      };
    }),
  );
}
