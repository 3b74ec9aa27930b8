/** Fixtures for home-service tests: catalogue items and a visit booked through the API. */
import type { TestServer } from '../harness/server';
import { MealFixtures } from './meal-fixtures';

export class ServiceFixtures extends MealFixtures {
  constructor(t: TestServer) {
    super(t);
  }

  async item(body: Record<string, unknown> = {}): Promise<any> {
    const res = await this.api.post(
      '/api/service-items',
      { category: 'bath', name: '上门助浴', price: 6000, unit: 'visit', durationMin: 60, ...body },
      { token: await this.adminToken() },
    );
    if (res.status !== 201) throw new Error(`create item: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async visit(token: string, elderId: string, itemId: string, scheduledAt: string, extra = {}): Promise<any> {
    const res = await this.api.post(
      '/api/service-orders',
      { elderId, itemId, scheduledAt, ...extra },
      { token },
    );
    if (res.status !== 201) throw new Error(`book visit: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }
}
