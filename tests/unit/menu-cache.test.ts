/**
 * The menu cache keeps the newest copy: two stock updates at once may answer in either order,
 * and the older answer arriving last must not make the menu show a portion already sold.
 */
import { getMenu, remember } from '../../bff/src/menus/cache';
import type { MenuDoc } from '../../bff/src/menus/model';

const menu = (rev: number, remaining: number, updatedAt = new Date('2026-12-01T00:00:00Z')): MenuDoc => ({
  _id: 'c:2026-12-02:lunch',
  canteenId: 'c',
  date: '2026-12-02',
  slot: 'lunch',
  items: [{ dishId: 'fish', name: '清蒸鲈鱼', price: 900, quota: 2 }],
  remaining: { fish: remaining },
  rev,
  updatedAt,
});

test('an older stock answer arriving after a newer one does not replace it', async () => {
  remember('m1', menu(2, 0)); // the second portion sold: 0 left
  remember('m1', menu(1, 1)); // the first sale's answer, late
  expect((await getMenu('m1'))?.remaining.fish).toBe(0);
});

test('a newer answer replaces the cached copy, and a menu saved again (newer updatedAt) does too', async () => {
  remember('m2', menu(1, 1));
  remember('m2', menu(2, 0));
  expect((await getMenu('m2'))?.remaining.fish).toBe(0);
  remember('m2', menu(0, 5, new Date('2026-12-01T01:00:00Z'))); // republished with 5 portions
  expect((await getMenu('m2'))?.remaining.fish).toBe(5);
});
