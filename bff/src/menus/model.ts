import mongoose, { Schema } from 'mongoose';
import type { Slot } from '@yiyangtong/shared';

export interface DishDoc {
  _id: mongoose.Types.ObjectId;
  canteenId: string;
  name: string;
  price: number; // fen
  tags: string[];
  allergens: string[];
  /** 停售: kept for the orders that name it, off new menus and the dish picker */
  retired?: boolean;
}

export const Dish = mongoose.model<DishDoc>(
  'Dish',
  new Schema<DishDoc>(
    {
      canteenId: { type: String, required: true },
      name: String,
      price: Number,
      tags: [String],
      allergens: [String],
      retired: Boolean,
    },
    { versionKey: false },
  ).index({ canteenId: 1 }),
);

export interface MenuItem {
  dishId: string;
  name: string;
  price: number;
  quota: number;
}

/**
 * One canteen's menu for one date and slot. `_id` is `canteenId:date:slot`, so reads and
 * stock updates are `_id` lookups. `remaining` maps dishId → portions left; orders take
 * portions with one conditional update of this document (see orders/service.ts).
 */
export interface MenuDoc {
  _id: string;
  canteenId: string;
  date: string;
  slot: Slot;
  items: MenuItem[];
  remaining: Record<string, number>;
  /**
   * Portions taken by orders being placed, `o<orderId>` → {dishId: qty}, written in the same
   * update that takes them. A hold whose order never came to exist (the placement crashed)
   * is given back by the recovery sweep (orders/recovery.ts); holds of placed orders are
   * dropped along with a later stock update.
   */
  holds?: Record<string, Record<string, number>>;
  /** `o<orderId>` → true once a cancelled order's portions were given back (exactly once). */
  released?: Record<string, true>;
  /** Raised by every stock update: the cache keeps the newest copy when answers cross (cache.ts). */
  rev?: number;
  updatedAt: Date;
}

export const Menu = mongoose.model<MenuDoc>(
  'Menu',
  new Schema<MenuDoc>(
    {
      _id: String,
      canteenId: String,
      date: String,
      slot: String,
      items: [
        new Schema<MenuItem>({ dishId: String, name: String, price: Number, quota: Number }, { _id: false }),
      ],
      remaining: { type: Schema.Types.Mixed, default: {} },
      holds: { type: Schema.Types.Mixed, default: {} },
      released: { type: Schema.Types.Mixed, default: {} },
      rev: Number,
      updatedAt: Date,
    },
    { versionKey: false, minimize: false },
  ),
);

export const menuId = (canteenId: string, date: string, slot: Slot) => `${canteenId}:${date}:${slot}`;

export const publicDish = (d: DishDoc) => ({
  id: String(d._id),
  canteenId: d.canteenId,
  name: d.name,
  price: d.price,
  tags: d.tags ?? [],
  allergens: d.allergens ?? [],
  retired: Boolean(d.retired),
});
