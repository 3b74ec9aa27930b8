/**
 * Meal-booking helpers on top of Fixtures: dishes, menus, discount rules, orders — all
 * through the real HTTP API.
 *
 *   const m = new MealFixtures(t);
 *   const dish = await m.dish(staff.token, canteenId, '红烧肉', 1200);
 *   await m.putMenu(staff.token, canteenId, '2026-12-01', 'lunch', [{ dishId: dish.id, quota: 20 }]);
 *   const res = await m.order(elder.token, { elderId, canteenId, date, slot: 'lunch', items: [{ dishId, qty: 1 }] });
 */
import { randomUUID } from 'node:crypto';
import type { ApiResponse } from '../harness/client';
import type { TestServer } from '../harness/server';
import { Fixtures } from './fixtures';

export type Slot = 'breakfast' | 'lunch' | 'dinner';

export interface OrderBody {
  elderId: string;
  canteenId: string;
  date: string;
  slot: Slot;
  items: { dishId: string; qty: number }[];
  fulfilment?: 'dine_in' | 'take_away' | 'delivery';
  address?: string;
  payment?: 'card' | 'counter';
  additional?: boolean;
}

function expectStatus(what: string, res: { status: number; body: unknown }, status: number): void {
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
}

export class MealFixtures extends Fixtures {
  constructor(t: TestServer) {
    super(t);
  }

  async dish(
    token: string,
    canteenId: string,
    name: string,
    price: number,
  ): Promise<{ id: string; name: string; price: number }> {
    const res = await this.api.post(`/api/canteens/${canteenId}/dishes`, { name, price }, { token });
    expectStatus(`create dish ${name}`, res, 201);
    return res.body;
  }

  putMenuRaw(
    token: string,
    canteenId: string,
    date: string,
    slot: Slot,
    items: { dishId: string; quota: number }[],
  ) {
    return this.api.put(`/api/canteens/${canteenId}/menus/${date}/${slot}`, { items }, { token });
  }

  async putMenu(
    token: string,
    canteenId: string,
    date: string,
    slot: Slot,
    items: { dishId: string; quota: number }[],
  ): Promise<any> {
    const res = await this.putMenuRaw(token, canteenId, date, slot, items);
    expectStatus(`put menu ${date} ${slot}`, res, 200);
    return res.body;
  }

  /** The public day menu. */
  async menu(canteenId: string, date: string): Promise<any> {
    const res = await this.api.get(`/api/canteens/${canteenId}/menus/${date}`);
    expectStatus(`get menu ${date}`, res, 200);
    return res.body;
  }

  /** Portions left of one dish in one slot, as the public menu shows them. */
  async remaining(canteenId: string, date: string, slot: Slot, dishId: string): Promise<number> {
    const day = await this.menu(canteenId, date);
    const s = day.slots.find((x: { slot: string }) => x.slot === slot);
    const item = s?.items.find((i: { dishId: string }) => i.dishId === dishId);
    if (!item) throw new Error(`dish ${dishId} not on the ${date} ${slot} menu`);
    return item.remaining;
  }

  async rule(body: Record<string, unknown>): Promise<any> {
    const res = await this.api.post('/api/discount-rules', body, { token: await this.adminToken() });
    expectStatus(`create rule ${String(body.name)}`, res, 201);
    return res.body;
  }

  /**
   * POST /api/meal-orders with a fresh Idempotency-Key unless one is given (null: none).
   * Most tests book one elder's meal many times to load a menu: they mean every one of them
   * (`additional: true` unless the body says otherwise). second-meal.test.ts tests the
   * 409 ALREADY_BOOKED without it.
   */
  order(token: string, body: OrderBody, key: string | null = randomUUID()): Promise<ApiResponse> {
    const headers: Record<string, string> = key === null ? {} : { 'idempotency-key': key };
    return this.api.post(
      '/api/meal-orders',
      { fulfilment: 'dine_in', additional: true, ...body },
      { token, headers },
    );
  }

  async placed(token: string, body: OrderBody): Promise<any> {
    const res = await this.order(token, body);
    expectStatus('place order', res, 201);
    return res.body;
  }

  quote(token: string, body: OrderBody): Promise<ApiResponse> {
    const { address: _a, ...rest } = body;
    return this.api.post('/api/pricing/quote', { fulfilment: 'dine_in', ...rest }, { token });
  }

  cancel(token: string, orderId: string): Promise<ApiResponse> {
    return this.api.post(`/api/meal-orders/${orderId}/cancel`, {}, { token });
  }
}
