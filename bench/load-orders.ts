/**
 * Bulk-loads look-alike meal orders for the growth benchmark: 10 canteens (the bench's own
 * among them), 5,000 elders, a year of days, three slots — the shape a district's orders
 * take — plus the sheets the benchmark reads: one slot's list for the staff and orders
 * waiting at the counter with known pickup codes.
 */
import mongoose from 'mongoose';
import { addDays } from '@yiyangtong/shared';
import { orderKeys, type MealOrderDoc } from '../bff/src/orders/model';

const SLOTS = ['breakfast', 'lunch', 'dinner'] as const;
const DISHES = [
  { dishId: 'bench-dish-1', name: '清蒸鲈鱼', price: 900 },
  { dishId: 'bench-dish-2', name: '番茄炒蛋', price: 500 },
  { dishId: 'bench-dish-3', name: '米饭', price: 100 },
];

export interface OrderShape {
  canteenId: string;
  communityId: string;
  elderId: string;
  date: string;
  slot: (typeof SLOTS)[number];
  pickupCode: string;
}

function orderDoc(o: OrderShape): Omit<MealOrderDoc, never> {
  const items = [
    { ...DISHES[o.pickupCode.charCodeAt(5) % 2], qty: 1 },
    { ...DISHES[2], qty: 1 },
  ];
  const subtotal = items.reduce((s, i) => s + i.price * i.qty, 0);
  const discount = {
    ruleId: 'bench-rule',
    name: '70岁以上每餐减2元',
    amount: 200,
    fundedBy: 'government' as const,
  };
  const by = { userId: 'bench-worker', role: 'worker' as const };
  return {
    _id: new mongoose.Types.ObjectId(),
    elderId: o.elderId,
    elderName: '压测长者',
    communityId: o.communityId,
    canteenId: o.canteenId,
    date: o.date,
    slot: o.slot,
    items,
    fulfilment: 'dine_in',
    pricing: { subtotal, discounts: [discount], deliveryFee: 0, payable: subtotal - discount.amount },
    pickupCode: o.pickupCode,
    ...orderKeys(o),
    bookedBy: { ...by, name: '压测助老员' },
    status: 'placed',
    history: [{ status: 'placed', at: new Date(`${o.date}T00:00:00Z`), by }],
    cutoffAt: new Date(`${o.date}T02:00:00Z`),
    createdAt: new Date(`${o.date}T00:00:00Z`),
  };
}

export class OrderLoader {
  private next = 0;
  private readonly canteens: { canteenId: string; communityId: string }[];
  private readonly elders = Array.from({ length: 5000 }, () => String(new mongoose.Types.ObjectId()));

  /** `home`: the bench canteen; nine more canteens get orders too. `lastDay`: the newest background day. */
  constructor(
    home: { canteenId: string; communityId: string },
    private readonly lastDay: string,
  ) {
    this.canteens = [
      home,
      ...Array.from({ length: 9 }, () => ({
        canteenId: String(new mongoose.Types.ObjectId()),
        communityId: String(new mongoose.Types.ObjectId()),
      })),
    ];
  }

  /** The i-th background order: canteen i%10, day ⌊i/10⌋%365 back, a code unique per canteen and day. */
  private background(i: number): OrderShape {
    const canteen = this.canteens[i % 10];
    return {
      ...canteen,
      elderId: this.elders[(i * 7) % this.elders.length],
      date: addDays(this.lastDay, -(Math.floor(i / 10) % 365)),
      slot: SLOTS[Math.floor(i / 3650) % 3],
      pickupCode: `9${String(Math.floor(i / 3650)).padStart(5, '0')}`,
    };
  }

  /** Inserts `count` background orders (1,000 a batch, 3 batches at a time). */
  async loadBackground(count: number): Promise<void> {
    const docs = Array.from({ length: count }, () => orderDoc(this.background(this.next++)));
    await insertAll(docs);
  }

  /** `count` orders of the bench canteen for one date and slot (codes 000000…), as one sheet. */
  async loadSheet(date: string, slot: OrderShape['slot'], count: number): Promise<string[]> {
    const home = this.canteens[0];
    const codes = Array.from({ length: count }, (_, i) => String(i).padStart(6, '0'));
    await insertAll(
      codes.map((pickupCode, i) =>
        orderDoc({ ...home, elderId: this.elders[i % this.elders.length], date, slot, pickupCode }),
      ),
    );
    return codes;
  }
}

async function insertAll(docs: object[]): Promise<void> {
  const coll = mongoose.connection.db!.collection('meal_orders');
  const batches: object[][] = [];
  for (let i = 0; i < docs.length; i += 1000) batches.push(docs.slice(i, i + 1000));
  let at = 0;
  await Promise.all(
    Array.from({ length: 3 }, async () => {
      while (at < batches.length) await coll.insertMany(batches[at++] as never[], { ordered: false });
    }),
  );
}
