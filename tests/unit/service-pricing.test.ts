/** Home-service pricing through the one engine: same rules, same breakdown shape as meals. */
import {
  chargedUnits,
  computePricing,
  computeServicePricing,
  median,
  type DiscountRule,
  type ServicePricingContext,
} from '@yiyangtong/shared';

const rule = (r: Partial<DiscountRule> & { id: string }): DiscountRule => ({
  name: r.id,
  benefit: { type: 'percent_off', value: 50 },
  fundedBy: 'government',
  validFrom: '2026-01-01',
  appliesTo: 'service',
  ...r,
});

const ctx = (over: Partial<ServicePricingContext> = {}): ServicePricingContext => ({
  elder: { birthDate: '1944-06-01', groups: [], careLevel: null },
  district: '官渡区',
  date: '2026-12-01',
  category: 'bath',
  items: [{ dishId: 'bath', name: '上门助浴', price: 6000, qty: 1 }],
  rules: [],
  ...over,
});

test('no rule: 原价 = 应付, no delivery fee', () => {
  expect(computeServicePricing(ctx())).toEqual({
    subtotal: 6000,
    discounts: [],
    deliveryFee: 0,
    payable: 6000,
  });
});

test('an 80+ bath subsidy applies to a bath, not to cleaning', () => {
  const rules = [rule({ id: 'b80', minAge: 80, serviceCategories: ['bath'] })];
  expect(computeServicePricing(ctx({ rules }))).toEqual({
    subtotal: 6000,
    discounts: [{ ruleId: 'b80', name: 'b80', amount: 3000, fundedBy: 'government' }],
    deliveryFee: 0,
    payable: 3000,
  });
  expect(computeServicePricing(ctx({ rules, category: 'clean' })).discounts).toEqual([]);
  expect(
    computeServicePricing(ctx({ rules, elder: { birthDate: '1950-01-01', groups: [] } })).discounts,
  ).toEqual([]);
});

test('groups, district, validity and combining work as for meals', () => {
  const rules = [
    rule({ id: 'dibao', groups: ['dibao'], benefit: { type: 'fixed_price', value: 1000 }, priority: 5 }),
    rule({ id: 'age', minAge: 80 }),
    rule({ id: 'stack', benefit: { type: 'amount_off', value: 200 }, stackable: true }),
    rule({
      id: 'other-district',
      district: '西山区',
      benefit: { type: 'amount_off', value: 5000 },
      priority: 9,
    }),
    rule({ id: 'expired', validTo: '2026-06-30', benefit: { type: 'amount_off', value: 5000 }, priority: 9 }),
  ];
  const p = computeServicePricing(ctx({ rules, elder: { birthDate: '1944-06-01', groups: ['dibao'] } }));
  expect(p.discounts.map((d) => [d.ruleId, d.amount])).toEqual([
    ['dibao', 5000],
    ['stack', 200],
  ]);
  expect(p.payable).toBe(800);
  expect(p.subtotal - p.discounts.reduce((s, d) => s + d.amount, 0)).toBe(p.payable);
});

test('meal rules never price a visit, and service rules never price a meal', () => {
  const mealRule: DiscountRule = { ...rule({ id: 'meal70', minAge: 70 }), appliesTo: undefined };
  expect(computeServicePricing(ctx({ rules: [mealRule] })).discounts).toEqual([]);
  const meal = computePricing({
    elder: { birthDate: '1944-06-01', groups: [] },
    canteen: { id: 'c1', deliveryFee: 0 },
    date: '2026-12-01',
    slot: 'lunch',
    items: [{ dishId: 'd', price: 800, qty: 1 }],
    fulfilment: 'dine_in',
    rules: [rule({ id: 'svc', minAge: 70 }), mealRule],
    subsidisedMealsUsed: 0,
  });
  expect(meal.discounts.map((d) => d.ruleId)).toEqual(['meal70']);
});

test('canteen-scoped rules do not apply to visits; hourly items charge hours', () => {
  expect(computeServicePricing(ctx({ rules: [rule({ id: 'c', canteenId: 'c1' })] })).discounts).toEqual([]);
  expect(chargedUnits('hour', 120)).toBe(2);
  expect(chargedUnits('hour', 90)).toBe(2);
  expect(chargedUnits('hour', 120, 3)).toBe(3);
  expect(chargedUnits('visit', 120)).toBe(1);
  const p = computeServicePricing(ctx({ category: 'clean', items: [{ dishId: 'c', price: 3000, qty: 3 }] }));
  expect(p.payable).toBe(9000);
});

test('bad input throws RangeError', () => {
  expect(() => computeServicePricing(ctx({ date: '2026-02-30' }))).toThrow(RangeError);
  expect(() => computeServicePricing(ctx({ items: [{ dishId: 'x', price: -1, qty: 1 }] }))).toThrow(
    RangeError,
  );
  expect(() => computeServicePricing(ctx({ rules: [rule({ id: 'x', appliesTo: 'spa' as never })] }))).toThrow(
    RangeError,
  );
});

test('median', () => {
  expect(median([])).toBeNull();
  expect(median([90])).toBe(90);
  expect(median([400, 20, 90])).toBe(90);
  expect(median([400, 20, 90, 60])).toBe(75);
});
