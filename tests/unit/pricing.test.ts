import {
  ageOn,
  computePricing,
  isSubsidised,
  ruleApplies,
  type DiscountRule,
  type PricingContext,
  type Pricing,
  type EligibilityGroup,
  type CareLevel,
  type Slot,
  type Fulfilment,
} from '../../shared/src/pricing';

// ---------------------------------------------------------------- fixtures

const ORDER_DATE = '2026-05-20';

function rule(over: Partial<DiscountRule> & { id: string }): DiscountRule {
  return {
    name: over.id,
    benefit: { type: 'amount_off', value: 100 },
    fundedBy: 'government',
    validFrom: '2026-01-01',
    ...over,
  };
}

function ctx(over: Partial<PricingContext> = {}): PricingContext {
  return {
    elder: { birthDate: '1950-03-15', groups: [], careLevel: 'intact' },
    canteen: { id: 'c1', district: 'gulou', deliveryFee: 300 },
    date: ORDER_DATE,
    slot: 'lunch',
    items: [{ dishId: 'd1', name: '荤素套餐', price: 1200, qty: 1 }],
    fulfilment: 'dine_in',
    rules: [],
    subsidisedMealsUsed: 0,
    ...over,
  };
}

/** birth date giving exactly `age` full years on ORDER_DATE (birthday already passed this year) */
const bornForAge = (age: number): string => `${2026 - age}-01-10`;

// District age bands: 60–69 ¥1 off, 70–79 ¥2 off, 80+ ¥3 off
const ageBands: DiscountRule[] = [
  rule({
    id: 'age60',
    name: '60-69岁助餐',
    minAge: 60,
    maxAge: 69,
    benefit: { type: 'amount_off', value: 100 },
  }),
  rule({
    id: 'age70',
    name: '70-79岁助餐',
    minAge: 70,
    maxAge: 79,
    benefit: { type: 'amount_off', value: 200 },
  }),
  rule({ id: 'age80', name: '80岁以上助餐', minAge: 80, benefit: { type: 'amount_off', value: 300 } }),
];

// 低保/特困 elders pay a fixed ¥2 for lunch
const dibaoLunch = rule({
  id: 'dibao-lunch',
  name: '低保特困午餐2元',
  groups: ['dibao', 'tekun'],
  slots: ['lunch'],
  benefit: { type: 'fixed_price', value: 200 },
  priority: 10,
});

const ids = (p: Pricing): string[] => p.discounts.map((d) => d.ruleId);
const totalOff = (p: Pricing): number => p.discounts.reduce((s, d) => s + d.amount, 0);
const applies = (r: DiscountRule, over: Partial<PricingContext> = {}): boolean => ruleApplies(r, ctx(over));

function expectBalanced(p: Pricing): void {
  expect(totalOff(p) + p.payable - p.deliveryFee).toBe(p.subtotal);
  expect(p.payable).toBeGreaterThanOrEqual(p.deliveryFee);
  expect(p.payable).toBeGreaterThanOrEqual(0);
  for (const d of p.discounts) {
    expect(Number.isInteger(d.amount)).toBe(true);
    expect(d.amount).toBeGreaterThan(0);
  }
}

// ---------------------------------------------------------------- ageOn

describe('ageOn', () => {
  it('is one less on the day before the birthday', () => {
    expect(ageOn('1956-05-21', '2026-05-20')).toBe(69);
  });
  it('reaches the new age on the birthday itself', () => {
    expect(ageOn('1956-05-20', '2026-05-20')).toBe(70);
  });
  it('counts the day after the birthday too', () => {
    expect(ageOn('1956-05-19', '2026-05-20')).toBe(70);
  });
  it('handles the month boundary (birthday next month → not yet)', () => {
    expect(ageOn('1956-06-01', '2026-05-31')).toBe(69);
    expect(ageOn('1956-04-30', '2026-05-01')).toBe(70);
  });
  it('is 0 on the day of birth and the day before the first birthday', () => {
    expect(ageOn('2026-05-20', '2026-05-20')).toBe(0);
    expect(ageOn('2025-05-21', '2026-05-20')).toBe(0);
    expect(ageOn('2025-05-20', '2026-05-20')).toBe(1);
  });
  it('handles year-end boundaries', () => {
    expect(ageOn('1956-12-31', '2026-12-30')).toBe(69);
    expect(ageOn('1956-12-31', '2026-12-31')).toBe(70);
    expect(ageOn('1956-01-01', '2025-12-31')).toBe(69);
    expect(ageOn('1956-01-01', '2026-01-01')).toBe(70);
  });

  describe('29 February birthday', () => {
    it('is reached on 29 Feb in a leap year', () => {
      expect(ageOn('1956-02-28', '2024-02-28')).toBe(68);
      expect(ageOn('1956-02-29', '2024-02-28')).toBe(67);
      expect(ageOn('1956-02-29', '2024-02-29')).toBe(68);
      expect(ageOn('1956-02-29', '2024-03-01')).toBe(68);
    });
    it('is reached on 1 Mar (not 28 Feb) in a non-leap year', () => {
      expect(ageOn('1956-02-29', '2026-02-28')).toBe(69);
      expect(ageOn('1956-02-29', '2026-03-01')).toBe(70);
    });
    it('century rules: 2100 is not leap, 2000 is', () => {
      expect(ageOn('2096-02-29', '2100-02-28')).toBe(3);
      expect(ageOn('2096-02-29', '2100-03-01')).toBe(4);
      expect(ageOn('1996-02-29', '2000-02-29')).toBe(4);
    });
  });

  it('throws RangeError when the birth date is after the date', () => {
    expect(() => ageOn('2026-05-21', '2026-05-20')).toThrow(RangeError);
    expect(() => ageOn('2026-05-21', '2026-05-20')).toThrow('birthDate after date');
  });

  it.each([
    ['1956-2-1', '2026-05-20'],
    ['1956-02-30', '2026-05-20'],
    ['1955-02-29', '2026-05-20'], // 1955 is not a leap year
    ['1956-13-01', '2026-05-20'],
    ['1956-00-10', '2026-05-20'],
    ['19560510', '2026-05-20'],
    ['1956-05-10T00:00:00Z', '2026-05-20'],
    ['1956-05-10', '2026-02-29'],
    ['1956-05-10', ''],
  ])('throws RangeError for malformed dates (%s, %s)', (b, d) => {
    expect(() => ageOn(b, d)).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------- rules & combining

describe('computePricing: basics', () => {
  it('computes subtotal = Σ price × qty with no rules', () => {
    const p = computePricing(
      ctx({
        items: [
          { dishId: 'a', price: 800, qty: 1 },
          { dishId: 'b', price: 250, qty: 3 },
          { dishId: 'c', price: 0, qty: 2 },
        ],
      }),
    );
    expect(p).toEqual({ subtotal: 1550, discounts: [], deliveryFee: 0, payable: 1550 });
    expect(isSubsidised(p)).toBe(false);
  });

  it('an empty order costs nothing (delivery fee aside)', () => {
    const p = computePricing(ctx({ items: [], rules: ageBands, fulfilment: 'delivery' }));
    expect(p).toEqual({ subtotal: 0, discounts: [], deliveryFee: 300, payable: 300 });
  });

  it('charges the delivery fee only for delivery', () => {
    const f = (fulfilment: Fulfilment) => computePricing(ctx({ fulfilment })).deliveryFee;
    expect(f('delivery')).toBe(300);
    expect(f('dine_in')).toBe(0);
    expect(f('take_away')).toBe(0);
  });

  it('lists the applied discount with rule id, name, amount and funder', () => {
    const p = computePricing(ctx({ elder: { birthDate: bornForAge(75), groups: [] }, rules: ageBands }));
    expect(p.discounts).toEqual([
      { ruleId: 'age70', name: '70-79岁助餐', amount: 200, fundedBy: 'government' },
    ]);
    expect(p.payable).toBe(1000);
    expect(isSubsidised(p)).toBe(true);
  });

  it('applies a discount once per order, not per item or per unit', () => {
    const p = computePricing(
      ctx({
        elder: { birthDate: bornForAge(65), groups: [] },
        rules: ageBands,
        items: [
          { dishId: 'a', price: 600, qty: 2 },
          { dishId: 'b', price: 300, qty: 1 },
        ],
      }),
    );
    expect(p.subtotal).toBe(1500);
    expect(totalOff(p)).toBe(100);
    expect(p.payable).toBe(1400);
  });
});

describe('age bands', () => {
  it.each([
    [59, [], 1200],
    [60, ['age60'], 1100],
    [65, ['age60'], 1100],
    [69, ['age60'], 1100],
    [70, ['age70'], 1000],
    [79, ['age70'], 1000],
    [80, ['age80'], 900],
    [99, ['age80'], 900],
  ])('age %i → %j, payable %i', (age, expected, payable) => {
    const p = computePricing(ctx({ elder: { birthDate: bornForAge(age), groups: [] }, rules: ageBands }));
    expect(ids(p)).toEqual(expected);
    expect(p.payable).toBe(payable);
  });

  it('moves to the next band exactly on the birthday', () => {
    const r = ageBands;
    const before = computePricing(ctx({ elder: { birthDate: '1956-05-21', groups: [] }, rules: r }));
    const on = computePricing(ctx({ elder: { birthDate: '1956-05-20', groups: [] }, rules: r }));
    expect(ids(before)).toEqual(['age60']);
    expect(ids(on)).toEqual(['age70']);
  });

  it('a leap-day elder enters the 70 band on 1 Mar in a non-leap year', () => {
    const e = { birthDate: '1956-02-29', groups: [] as EligibilityGroup[] };
    expect(ids(computePricing(ctx({ elder: e, date: '2026-02-28', rules: ageBands })))).toEqual(['age60']);
    expect(ids(computePricing(ctx({ elder: e, date: '2026-03-01', rules: ageBands })))).toEqual(['age70']);
  });

  it('minAge/maxAge are inclusive and independently optional', () => {
    const r = rule({ id: 'r', minAge: 70, maxAge: 70 });
    expect(applies(r, { elder: { birthDate: bornForAge(69), groups: [] } })).toBe(false);
    expect(applies(r, { elder: { birthDate: bornForAge(70), groups: [] } })).toBe(true);
    expect(applies(r, { elder: { birthDate: bornForAge(71), groups: [] } })).toBe(false);
    const upTo = rule({ id: 'u', maxAge: 75 });
    expect(applies(upTo, { elder: { birthDate: bornForAge(40), groups: [] } })).toBe(true);
    expect(applies(upTo, { elder: { birthDate: bornForAge(76), groups: [] } })).toBe(false);
  });
});

describe('exclusive rules: priority, then amount, then id', () => {
  const dibaoElder = { birthDate: bornForAge(85), groups: ['dibao'] as EligibilityGroup[] };

  it('低保 fixed ¥2 lunch beats the age rule by priority', () => {
    const p = computePricing(ctx({ elder: dibaoElder, rules: [...ageBands, dibaoLunch] }));
    expect(p.discounts).toEqual([
      { ruleId: 'dibao-lunch', name: '低保特困午餐2元', amount: 1000, fundedBy: 'government' },
    ]);
    expect(p.payable).toBe(200);
  });

  it('特困 elders get it too; others and other slots fall back to the age rule', () => {
    const tekun = { ...dibaoElder, groups: ['tekun'] as EligibilityGroup[] };
    expect(ids(computePricing(ctx({ elder: tekun, rules: [...ageBands, dibaoLunch] })))).toEqual([
      'dibao-lunch',
    ]);
    const youfu = { ...dibaoElder, groups: ['youfu'] as EligibilityGroup[] };
    expect(ids(computePricing(ctx({ elder: youfu, rules: [...ageBands, dibaoLunch] })))).toEqual(['age80']);
    const dinner = computePricing(
      ctx({ elder: dibaoElder, slot: 'dinner', rules: [...ageBands, dibaoLunch] }),
    );
    expect(ids(dinner)).toEqual(['age80']);
  });

  it('higher priority wins even when it gives less', () => {
    const small = rule({ id: 'small', priority: 5, benefit: { type: 'amount_off', value: 50 } });
    const big = rule({ id: 'big', priority: 1, benefit: { type: 'amount_off', value: 500 } });
    const p = computePricing(ctx({ rules: [big, small] }));
    expect(p.discounts).toEqual([{ ruleId: 'small', name: 'small', amount: 50, fundedBy: 'government' }]);
  });

  it('with equal priority the largest amount wins', () => {
    const dibaoSamePrio = { ...dibaoLunch, priority: 0 };
    // meal 1200: fixed ¥2 → 1000 off beats ¥3 off
    const p = computePricing(ctx({ elder: dibaoElder, rules: [...ageBands, dibaoSamePrio] }));
    expect(ids(p)).toEqual(['dibao-lunch']);
    expect(p.payable).toBe(200);
    // meal 400: fixed ¥2 → 200 off loses to ¥3 off (300)
    const cheap = computePricing(
      ctx({
        elder: dibaoElder,
        rules: [dibaoSamePrio, ...ageBands],
        items: [{ dishId: 'x', price: 400, qty: 1 }],
      }),
    );
    expect(ids(cheap)).toEqual(['age80']);
    expect(cheap.payable).toBe(100);
  });

  it('priority defaults to 0 (null/undefined alike)', () => {
    const a = rule({ id: 'a', priority: null, benefit: { type: 'amount_off', value: 100 } });
    const b = rule({ id: 'b', benefit: { type: 'amount_off', value: 150 } });
    const c = rule({ id: 'c', priority: -1, benefit: { type: 'amount_off', value: 900 } });
    expect(ids(computePricing(ctx({ rules: [a, b, c] })))).toEqual(['b']);
  });

  it('equal priority and equal amount → lowest id, regardless of input order', () => {
    const x = rule({ id: 'rule-b', benefit: { type: 'amount_off', value: 100 } });
    const y = rule({ id: 'rule-a', benefit: { type: 'percent_off', value: 10 } }); // 10% of 1000 = 100
    const items = [{ dishId: 'd', price: 1000, qty: 1 }];
    expect(ids(computePricing(ctx({ items, rules: [x, y] })))).toEqual(['rule-a']);
    expect(ids(computePricing(ctx({ items, rules: [y, x] })))).toEqual(['rule-a']);
  });

  it('only one exclusive rule is ever applied', () => {
    const rules = [
      rule({ id: 'a', benefit: { type: 'amount_off', value: 100 } }),
      rule({ id: 'b', benefit: { type: 'amount_off', value: 100 }, fundedBy: 'canteen' }),
      rule({ id: 'c', benefit: { type: 'percent_off', value: 5 } }),
    ];
    expect(computePricing(ctx({ rules })).discounts).toHaveLength(1);
  });

  it('a higher-priority rule giving 0 does not block a lower one (fixed price above meal price)', () => {
    const p = computePricing(
      ctx({
        elder: dibaoElder,
        rules: [dibaoLunch, ...ageBands],
        items: [{ dishId: 'x', price: 150, qty: 1 }],
      }),
    );
    expect(ids(p)).toEqual(['age80']);
    expect(p.discounts[0].amount).toBe(150);
    expect(p.payable).toBe(0);
  });
});

describe('stackable rules', () => {
  const canteenTreat = rule({
    id: 'canteen-1off',
    name: '食堂让利1元',
    canteenId: 'c1',
    fundedBy: 'canteen',
    stackable: true,
    benefit: { type: 'amount_off', value: 100 },
  });

  it('a canteen stackable rule applies on top of the government winner', () => {
    const p = computePricing(
      ctx({ elder: { birthDate: bornForAge(72), groups: [] }, rules: [canteenTreat, ...ageBands] }),
    );
    expect(p.discounts).toEqual([
      { ruleId: 'age70', name: '70-79岁助餐', amount: 200, fundedBy: 'government' },
      { ruleId: 'canteen-1off', name: '食堂让利1元', amount: 100, fundedBy: 'canteen' },
    ]);
    expect(p.payable).toBe(900);
  });

  it('applies alone when no exclusive rule applies', () => {
    const p = computePricing(
      ctx({ elder: { birthDate: bornForAge(50), groups: [] }, rules: [canteenTreat, ...ageBands] }),
    );
    expect(ids(p)).toEqual(['canteen-1off']);
    expect(p.payable).toBe(1100);
  });

  it('is computed on what remains after the exclusive winner', () => {
    const pct = rule({
      id: 'pct',
      stackable: true,
      fundedBy: 'canteen',
      benefit: { type: 'percent_off', value: 50 },
    });
    const p = computePricing(
      ctx({ elder: { birthDate: bornForAge(85), groups: ['dibao'] }, rules: [pct, dibaoLunch] }),
    );
    // 1200 → fixed 200 (1000 off) → 50% of 200 = 100 off
    expect(p.discounts.map((d) => [d.ruleId, d.amount])).toEqual([
      ['dibao-lunch', 1000],
      ['pct', 100],
    ]);
    expect(p.payable).toBe(100);
  });

  it('stackables apply in priority order (desc, then id), each on the remainder', () => {
    const items = [{ dishId: 'd', price: 1000, qty: 1 }];
    const s1 = rule({ id: 's1', stackable: true, priority: 1, benefit: { type: 'percent_off', value: 50 } });
    const s2 = rule({ id: 's2', stackable: true, priority: 5, benefit: { type: 'amount_off', value: 200 } });
    const s3 = rule({ id: 's0', stackable: true, priority: 1, benefit: { type: 'fixed_price', value: 300 } });
    const p = computePricing(ctx({ items, rules: [s1, s3, s2] }));
    // s2: 200 off → 800; s0 (prio 1, id 's0' < 's1'): fixed 300 → 500 off → 300; s1: 50% of 300 = 150
    expect(p.discounts.map((d) => [d.ruleId, d.amount])).toEqual([
      ['s2', 200],
      ['s0', 500],
      ['s1', 150],
    ]);
    expect(p.payable).toBe(150);
    expectBalanced(p);
  });

  it('stackables never push the food below zero; exhausted ones are not listed', () => {
    const items = [{ dishId: 'd', price: 500, qty: 1 }];
    const g = rule({ id: 'g', benefit: { type: 'amount_off', value: 300 } });
    const s1 = rule({ id: 's1', stackable: true, priority: 2, benefit: { type: 'amount_off', value: 300 } });
    const s2 = rule({ id: 's2', stackable: true, priority: 1, benefit: { type: 'amount_off', value: 300 } });
    const p = computePricing(ctx({ items, rules: [g, s1, s2], fulfilment: 'delivery' }));
    expect(p.discounts.map((d) => [d.ruleId, d.amount])).toEqual([
      ['g', 300],
      ['s1', 200],
    ]);
    expect(p.payable).toBe(300); // just the delivery fee
  });

  it('stackable: null/false behave as exclusive', () => {
    const a = rule({ id: 'a', stackable: null, benefit: { type: 'amount_off', value: 100 } });
    const b = rule({ id: 'b', stackable: false, benefit: { type: 'amount_off', value: 200 } });
    expect(ids(computePricing(ctx({ rules: [a, b] })))).toEqual(['b']);
  });
});

describe('caps (perElderPerSlotPerDay)', () => {
  const capped = rule({ id: 'capped', perElderPerSlotPerDay: 1 });

  it('used 0 with cap 1 → applies', () => {
    expect(applies(capped, { subsidisedMealsUsed: 0 })).toBe(true);
    expect(isSubsidised(computePricing(ctx({ rules: [capped], subsidisedMealsUsed: 0 })))).toBe(true);
  });
  it('used 1 with cap 1 → does not apply', () => {
    expect(applies(capped, { subsidisedMealsUsed: 1 })).toBe(false);
    const p = computePricing(ctx({ rules: [capped], subsidisedMealsUsed: 1 }));
    expect(p.discounts).toEqual([]);
    expect(p.payable).toBe(1200);
    expect(isSubsidised(p)).toBe(false);
  });
  it('cap 2 allows a second meal, not a third', () => {
    const r = rule({ id: 'c2', perElderPerSlotPerDay: 2 });
    expect(applies(r, { subsidisedMealsUsed: 1 })).toBe(true);
    expect(applies(r, { subsidisedMealsUsed: 2 })).toBe(false);
  });
  it('cap 0 never applies', () => {
    expect(applies(rule({ id: 'c0', perElderPerSlotPerDay: 0 }), { subsidisedMealsUsed: 0 })).toBe(false);
  });
  it('a rule without a cap is not limited', () => {
    expect(applies(rule({ id: 'nocap' }), { subsidisedMealsUsed: 50 })).toBe(true);
    expect(applies(rule({ id: 'nullcap', perElderPerSlotPerDay: null }), { subsidisedMealsUsed: 50 })).toBe(
      true,
    );
  });
  it('over the cap, an uncapped rule takes over', () => {
    const govt = rule({
      id: 'govt',
      perElderPerSlotPerDay: 1,
      priority: 5,
      benefit: { type: 'amount_off', value: 300 },
    });
    const shop = rule({ id: 'shop', fundedBy: 'canteen', benefit: { type: 'amount_off', value: 50 } });
    expect(ids(computePricing(ctx({ rules: [govt, shop], subsidisedMealsUsed: 0 })))).toEqual(['govt']);
    expect(ids(computePricing(ctx({ rules: [govt, shop], subsidisedMealsUsed: 1 })))).toEqual(['shop']);
  });
});

describe('validity, activity and scope', () => {
  const r = rule({ id: 'v', validFrom: '2026-05-01', validTo: '2026-05-31' });

  it.each([
    ['2026-04-30', false],
    ['2026-05-01', true],
    ['2026-05-20', true],
    ['2026-05-31', true],
    ['2026-06-01', false],
  ])('validFrom/validTo inclusive: %s → %s', (date, ok) => {
    expect(applies(r, { date })).toBe(ok);
  });

  it('validTo absent or null = open-ended', () => {
    expect(applies(rule({ id: 'o', validFrom: '2020-01-01' }), { date: '2099-12-31' })).toBe(true);
    expect(applies(rule({ id: 'o', validFrom: '2020-01-01', validTo: null }), { date: '2099-12-31' })).toBe(
      true,
    );
    expect(applies(rule({ id: 'o', validFrom: '2026-05-21' }), { date: '2026-05-20' })).toBe(false);
  });

  it('compares dates across years and months correctly', () => {
    const y = rule({ id: 'y', validFrom: '2025-12-31', validTo: '2026-01-01' });
    expect(applies(y, { date: '2025-12-30' })).toBe(false);
    expect(applies(y, { date: '2025-12-31' })).toBe(true);
    expect(applies(y, { date: '2026-01-01' })).toBe(true);
    expect(applies(y, { date: '2026-01-02' })).toBe(false);
  });

  it('inactive rules never apply; active defaults to true', () => {
    expect(applies(rule({ id: 'i', active: false }))).toBe(false);
    expect(applies(rule({ id: 'i', active: true }))).toBe(true);
    expect(applies(rule({ id: 'i' }))).toBe(true);
    expect(computePricing(ctx({ rules: [rule({ id: 'i', active: false })] })).discounts).toEqual([]);
  });

  it('canteen scope: only the named canteen; null/undefined = any canteen', () => {
    expect(applies(rule({ id: 's', canteenId: 'c1' }))).toBe(true);
    expect(applies(rule({ id: 's', canteenId: 'c2' }))).toBe(false);
    expect(applies(rule({ id: 's', canteenId: null }))).toBe(true);
    expect(applies(rule({ id: 's' }), { canteen: { id: 'anything', deliveryFee: 0 } })).toBe(true);
  });

  it('district scope: only canteens in that district', () => {
    const d = rule({ id: 'd', district: 'gulou' });
    expect(applies(d)).toBe(true);
    expect(applies(d, { canteen: { id: 'c1', district: 'xuanwu', deliveryFee: 0 } })).toBe(false);
    expect(applies(d, { canteen: { id: 'c1', district: null, deliveryFee: 0 } })).toBe(false);
    expect(applies(d, { canteen: { id: 'c1', deliveryFee: 0 } })).toBe(false);
    expect(applies(rule({ id: 'd', district: null }), { canteen: { id: 'c9', deliveryFee: 0 } })).toBe(true);
  });

  it('canteen and district scope combine', () => {
    const both = rule({ id: 'b', canteenId: 'c1', district: 'gulou' });
    expect(applies(both)).toBe(true);
    expect(applies(both, { canteen: { id: 'c1', district: 'xuanwu', deliveryFee: 0 } })).toBe(false);
    expect(applies(both, { canteen: { id: 'c2', district: 'gulou', deliveryFee: 0 } })).toBe(false);
  });
});

describe('slot, group and care-level restrictions', () => {
  it.each([
    ['breakfast', false],
    ['lunch', true],
    ['dinner', true],
  ] as [Slot, boolean][])('slots [lunch, dinner], order slot %s → %s', (slot, ok) => {
    expect(applies(rule({ id: 's', slots: ['lunch', 'dinner'] }), { slot })).toBe(ok);
  });

  it('slots null/undefined/empty = every slot', () => {
    for (const slot of ['breakfast', 'lunch', 'dinner'] as Slot[]) {
      expect(applies(rule({ id: 'a' }), { slot })).toBe(true);
      expect(applies(rule({ id: 'a', slots: null }), { slot })).toBe(true);
      expect(applies(rule({ id: 'a', slots: [] }), { slot })).toBe(true);
    }
  });

  it('groups: elder must be in at least one; empty/undefined = anyone', () => {
    const g = rule({ id: 'g', groups: ['dibao', 'disabled'] });
    const e = (groups: EligibilityGroup[]) => ({ elder: { birthDate: '1950-01-01', groups } });
    expect(applies(g, e([]))).toBe(false);
    expect(applies(g, e(['youfu']))).toBe(false);
    expect(applies(g, e(['disabled']))).toBe(true);
    expect(applies(g, e(['youfu', 'dibao']))).toBe(true);
    expect(applies(rule({ id: 'x', groups: [] }), e([]))).toBe(true);
    expect(applies(rule({ id: 'x', groups: null }), e([]))).toBe(true);
  });

  it('care levels: elder must have one of the listed levels', () => {
    const c = rule({ id: 'c', careLevels: ['moderate', 'severe'] });
    const e = (careLevel: CareLevel | null | undefined) => ({
      elder: { birthDate: '1950-01-01', groups: [] as EligibilityGroup[], careLevel },
    });
    expect(applies(c, e('intact'))).toBe(false);
    expect(applies(c, e('mild'))).toBe(false);
    expect(applies(c, e('moderate'))).toBe(true);
    expect(applies(c, e('severe'))).toBe(true);
    expect(applies(c, e(null))).toBe(false);
    expect(applies(c, e(undefined))).toBe(false);
    expect(applies(rule({ id: 'any' }), e(null))).toBe(true);
    expect(applies(rule({ id: 'any', careLevels: [] }), e(undefined))).toBe(true);
  });

  it('a severe-disability meal rule wins for severe elders only', () => {
    const severe = rule({
      id: 'severe',
      careLevels: ['severe'],
      priority: 3,
      benefit: { type: 'percent_off', value: 50 },
    });
    const rules = [...ageBands, severe];
    const mk = (careLevel: CareLevel) =>
      computePricing(ctx({ elder: { birthDate: bornForAge(66), groups: [], careLevel }, rules }));
    expect(ids(mk('severe'))).toEqual(['severe']);
    expect(mk('severe').payable).toBe(600);
    expect(ids(mk('mild'))).toEqual(['age60']);
  });
});

describe('benefit arithmetic', () => {
  const one = (benefit: DiscountRule['benefit'], price: number, qty = 1) =>
    computePricing(ctx({ rules: [rule({ id: 'r', benefit })], items: [{ dishId: 'd', price, qty }] }));

  it('percent rounds the discount up to the fen (elder-favourable): 10% of 333 → 34', () => {
    const p = one({ type: 'percent_off', value: 10 }, 333);
    expect(p.discounts[0].amount).toBe(34);
    expect(p.payable).toBe(299);
  });

  it.each([
    [10, 1000, 100],
    [15, 999, 150], // 149.85 → 150
    [33, 1, 1], // 0.33 → 1
    [1, 1, 1],
    [50, 101, 51],
    [99, 100, 99],
    [100, 1234, 1234],
    [7, 12345, 865], // 864.15 → 865
  ])('%i%% of %i fen → %i off', (pct, price, off) => {
    expect(one({ type: 'percent_off', value: pct }, price).discounts[0].amount).toBe(off);
  });

  it('percent is exact for large amounts (no float drift)', () => {
    // 2^50 + 1 fen, 33%: a float multiply would lose the low bits
    const price = 2 ** 50 + 1;
    const p = one({ type: 'percent_off', value: 33 }, price);
    const expected = (BigInt(price) * 33n + 99n) / 100n;
    expect(BigInt(p.discounts[0].amount)).toBe(expected);
    expectBalanced(p);
  });

  it('amount_off never exceeds the price: ¥3 off a ¥2 meal → 200 off, payable 0', () => {
    const p = one({ type: 'amount_off', value: 300 }, 200);
    expect(p.discounts).toEqual([{ ruleId: 'r', name: 'r', amount: 200, fundedBy: 'government' }]);
    expect(p.payable).toBe(0);
  });

  it('fixed_price: the food costs the value', () => {
    expect(one({ type: 'fixed_price', value: 200 }, 1200).payable).toBe(200);
    expect(one({ type: 'fixed_price', value: 200 }, 600, 2).payable).toBe(200);
    expect(one({ type: 'fixed_price', value: 0 }, 1200).payable).toBe(0);
  });

  it('fixed_price at or above the price gives no discount and is not listed', () => {
    expect(one({ type: 'fixed_price', value: 200 }, 200).discounts).toEqual([]);
    const p = one({ type: 'fixed_price', value: 500 }, 200);
    expect(p.discounts).toEqual([]);
    expect(p.payable).toBe(200);
    expect(isSubsidised(p)).toBe(false);
  });

  it('amount_off of 0 is not listed', () => {
    expect(one({ type: 'amount_off', value: 0 }, 500).discounts).toEqual([]);
  });

  it('zero-price dishes: subtotal 0 → no discount listed, payable = delivery fee', () => {
    const p = computePricing(
      ctx({
        items: [{ dishId: 'soup', price: 0, qty: 2 }],
        rules: [...ageBands, dibaoLunch, rule({ id: 'pct', benefit: { type: 'percent_off', value: 100 } })],
        elder: { birthDate: bornForAge(85), groups: ['dibao'] },
        fulfilment: 'delivery',
      }),
    );
    expect(p).toEqual({ subtotal: 0, discounts: [], deliveryFee: 300, payable: 300 });
    expect(isSubsidised(p)).toBe(false);
  });
});

describe('delivery fee', () => {
  it('is never discounted, even by 100% or a large amount', () => {
    const rules = [
      rule({ id: 'all', benefit: { type: 'percent_off', value: 100 } }),
      rule({ id: 'more', stackable: true, benefit: { type: 'amount_off', value: 99999 } }),
    ];
    const p = computePricing(ctx({ rules, fulfilment: 'delivery' }));
    expect(p.discounts.map((d) => [d.ruleId, d.amount])).toEqual([['all', 1200]]);
    expect(p.deliveryFee).toBe(300);
    expect(p.payable).toBe(300);
  });

  it('discounts are the same whatever the fulfilment', () => {
    const base = { elder: { birthDate: bornForAge(75), groups: [] as EligibilityGroup[] }, rules: ageBands };
    const dine = computePricing(ctx({ ...base, fulfilment: 'dine_in' }));
    const del = computePricing(ctx({ ...base, fulfilment: 'delivery' }));
    expect(del.discounts).toEqual(dine.discounts);
    expect(del.payable - dine.payable).toBe(300);
  });

  it('a delivery fee of 0 is allowed', () => {
    const p = computePricing(ctx({ fulfilment: 'delivery', canteen: { id: 'c1', deliveryFee: 0 } }));
    expect(p.deliveryFee).toBe(0);
    expect(p.payable).toBe(1200);
  });
});

describe('rule versions', () => {
  test('an applied discount names the version of the rule that gave it (a later change never rewrites it)', () => {
    const v1 = rule({ id: 'r', name: '助餐补贴', benefit: { type: 'amount_off', value: 300 }, version: 1 });
    const v2 = { ...v1, benefit: { type: 'amount_off' as const, value: 500 }, version: 2 };
    expect(computePricing(ctx({ rules: [v1] })).discounts).toEqual([
      { ruleId: 'r', name: '助餐补贴', amount: 300, fundedBy: 'government', ruleVersion: 1 },
    ]);
    expect(computePricing(ctx({ rules: [v2] })).discounts).toEqual([
      { ruleId: 'r', name: '助餐补贴', amount: 500, fundedBy: 'government', ruleVersion: 2 },
    ]);
  });

  test('a rule without a version (as before versions) adds none', () => {
    expect(computePricing(ctx({ rules: [rule({ id: 'r' })] })).discounts[0]).not.toHaveProperty(
      'ruleVersion',
    );
  });
});

describe('isSubsidised', () => {
  it('is true iff a discount is listed', () => {
    expect(isSubsidised({ subtotal: 100, discounts: [], deliveryFee: 0, payable: 100 })).toBe(false);
    expect(
      isSubsidised({
        subtotal: 100,
        discounts: [{ ruleId: 'r', name: 'r', amount: 1, fundedBy: 'canteen' }],
        deliveryFee: 0,
        payable: 99,
      }),
    ).toBe(true);
  });
});

describe('purity', () => {
  it('does not mutate its input and is deterministic', () => {
    const c = ctx({
      elder: { birthDate: bornForAge(82), groups: ['dibao'] },
      rules: [
        rule({ id: 'z', stackable: true, benefit: { type: 'percent_off', value: 10 } }),
        ...ageBands,
        dibaoLunch,
      ],
    });
    const snapshot = JSON.parse(JSON.stringify(c));
    const a = computePricing(c);
    const b = computePricing(c);
    expect(a).toEqual(b);
    expect(c).toEqual(snapshot);
  });

  it('the result does not depend on the order of rules', () => {
    const rules = [
      ...ageBands,
      dibaoLunch,
      rule({ id: 'eq1', priority: 10, benefit: { type: 'fixed_price', value: 200 } }),
      rule({ id: 's1', stackable: true, benefit: { type: 'percent_off', value: 10 } }),
      rule({ id: 's2', stackable: true, benefit: { type: 'amount_off', value: 10 } }),
    ];
    const c = ctx({ elder: { birthDate: bornForAge(82), groups: ['dibao'] }, rules });
    const expected = computePricing(c);
    expect(ids(expected)).toEqual(['dibao-lunch', 's1', 's2']);
    expect(computePricing({ ...c, rules: [...rules].reverse() })).toEqual(expected);
  });
});

// ---------------------------------------------------------------- invalid input

describe('invalid inputs throw RangeError', () => {
  const bad: [string, Partial<PricingContext>][] = [
    ['negative price', { items: [{ dishId: 'd', price: -1, qty: 1 }] }],
    ['fractional price', { items: [{ dishId: 'd', price: 12.5, qty: 1 }] }],
    ['NaN price', { items: [{ dishId: 'd', price: NaN, qty: 1 }] }],
    ['Infinity price', { items: [{ dishId: 'd', price: Infinity, qty: 1 }] }],
    ['string price', { items: [{ dishId: 'd', price: '100' as unknown as number, qty: 1 }] }],
    ['negative qty', { items: [{ dishId: 'd', price: 100, qty: -1 }] }],
    ['fractional qty', { items: [{ dishId: 'd', price: 100, qty: 0.5 }] }],
    ['unsafe subtotal', { items: [{ dishId: 'd', price: Number.MAX_SAFE_INTEGER, qty: 2 }] }],
    ['negative delivery fee', { canteen: { id: 'c1', deliveryFee: -100 } }],
    ['fractional delivery fee', { canteen: { id: 'c1', deliveryFee: 2.5 } }],
    ['negative subsidisedMealsUsed', { subsidisedMealsUsed: -1 }],
    ['fractional subsidisedMealsUsed', { subsidisedMealsUsed: 0.5 }],
    ['birth after order date', { elder: { birthDate: '2026-05-21', groups: [] } }],
    ['malformed order date', { date: '2026/05/20' }],
    ['non-existent order date', { date: '2026-02-29' }],
    ['malformed birth date', { elder: { birthDate: '1950-1-1', groups: [] } }],
    ['unknown slot', { slot: 'supper' as Slot }],
    ['unknown fulfilment', { fulfilment: 'drone' as Fulfilment }],
    ['unknown elder group', { elder: { birthDate: '1950-01-01', groups: ['vip' as EligibilityGroup] } }],
    ['unknown care level', { elder: { birthDate: '1950-01-01', groups: [], careLevel: 'x' as CareLevel } }],
  ];
  it.each(bad)('computePricing: %s', (_label, over) => {
    expect(() => computePricing(ctx(over))).toThrow(RangeError);
  });
  it.each(bad)('ruleApplies: %s', (_label, over) => {
    expect(() => ruleApplies(rule({ id: 'r' }), ctx(over))).toThrow(RangeError);
  });

  const badRules: [string, DiscountRule][] = [
    ['percent 0', rule({ id: 'r', benefit: { type: 'percent_off', value: 0 } })],
    ['percent 101', rule({ id: 'r', benefit: { type: 'percent_off', value: 101 } })],
    ['percent fractional', rule({ id: 'r', benefit: { type: 'percent_off', value: 12.5 } })],
    ['negative amount_off', rule({ id: 'r', benefit: { type: 'amount_off', value: -100 } })],
    ['fractional amount_off', rule({ id: 'r', benefit: { type: 'amount_off', value: 1.5 } })],
    ['negative fixed_price', rule({ id: 'r', benefit: { type: 'fixed_price', value: -1 } })],
    ['unknown benefit type', rule({ id: 'r', benefit: { type: 'free' as 'amount_off', value: 1 } })],
    ['unknown funder', rule({ id: 'r', fundedBy: 'charity' as 'canteen' })],
    ['malformed validFrom', rule({ id: 'r', validFrom: '2026-1-1' })],
    ['malformed validTo', rule({ id: 'r', validTo: '2026-13-01' })],
    ['negative cap', rule({ id: 'r', perElderPerSlotPerDay: -1 })],
    ['fractional minAge', rule({ id: 'r', minAge: 59.5 })],
    ['NaN priority', rule({ id: 'r', priority: NaN })],
    ['unknown slot', rule({ id: 'r', slots: ['supper' as Slot] })],
    ['empty id', rule({ id: '' })],
  ];
  it.each(badRules)('malformed rule: %s', (_label, r) => {
    expect(() => ruleApplies(r, ctx())).toThrow(RangeError);
    expect(() => computePricing(ctx({ rules: [r] }))).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------- property-style

describe('property: generated contexts', () => {
  // mulberry32: small seeded PRNG so failures are reproducible
  function prng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  const rand = prng(20260520);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const maybe = <T>(v: T): T | undefined => (rand() < 0.5 ? v : undefined);
  /** a restriction: present only now and then, so that most rules still apply */
  const rarely = <T>(v: T): T | undefined => (rand() < 0.2 ? v : undefined);
  const subset = <T>(xs: readonly T[]): T[] => xs.filter(() => rand() < 0.4);
  const pad = (n: number) => String(n).padStart(2, '0');
  const date = (y: number) => `${y}-${pad(int(1, 12))}-${pad(int(1, 28))}`;

  const SL: Slot[] = ['breakfast', 'lunch', 'dinner'];
  const GR: EligibilityGroup[] = ['dibao', 'tekun', 'jiandang', 'youfu', 'jisheng', 'disabled'];
  const CL: CareLevel[] = ['intact', 'mild', 'moderate', 'severe'];
  const FU: Fulfilment[] = ['dine_in', 'take_away', 'delivery'];

  function genRule(i: number): DiscountRule {
    const type = pick(['amount_off', 'percent_off', 'fixed_price'] as const);
    const value = type === 'percent_off' ? int(1, 100) : int(0, 2000);
    const minAge = rarely(int(55, 85));
    return {
      id: `r${int(0, 30)}-${i}`,
      name: `rule ${i}`,
      canteenId: rarely(pick(['c1', 'c2'])),
      district: rarely(pick(['gulou', 'xuanwu'])),
      minAge,
      maxAge: rarely((minAge ?? 60) + int(0, 20)),
      groups: rarely(subset(GR)),
      careLevels: rarely(subset(CL)),
      slots: rarely(subset(SL)),
      benefit: { type, value },
      fundedBy: pick(['government', 'canteen'] as const),
      perElderPerSlotPerDay: maybe(int(0, 3)),
      priority: maybe(int(-2, 5)),
      stackable: maybe(rand() < 0.4),
      validFrom: date(int(2024, 2026) - (rand() < 0.5 ? 1 : 0)),
      validTo: maybe(date(int(2026, 2028))),
      active: maybe(rand() < 0.9),
    };
  }

  function genCtx(): PricingContext {
    const nItems = int(0, 4);
    return {
      elder: { birthDate: date(int(1920, 1970)), groups: subset(GR), careLevel: maybe(pick(CL)) },
      canteen: {
        id: pick(['c1', 'c2']),
        district: rarely(pick(['gulou', 'xuanwu'])),
        deliveryFee: int(0, 800),
      },
      date: date(2026),
      slot: pick(SL),
      items: Array.from({ length: nItems }, (_, k) => ({
        dishId: `d${k}`,
        price: rand() < 0.1 ? 0 : int(1, 3000),
        qty: int(0, 3),
      })),
      fulfilment: pick(FU),
      rules: Array.from({ length: int(0, 8) }, (_, i) => genRule(i)),
      subsidisedMealsUsed: int(0, 3),
    };
  }

  it('invariants hold over 2000 generated contexts', () => {
    for (let n = 0; n < 2000; n++) {
      const c = genCtx();
      const p = computePricing(c);
      const label = `case ${n}: ${JSON.stringify(c)}`;
      try {
        expect(p.subtotal).toBe(c.items.reduce((s, it) => s + it.price * it.qty, 0));
        expect(p.deliveryFee).toBe(c.fulfilment === 'delivery' ? c.canteen.deliveryFee : 0);
        // Σ discounts + payable − deliveryFee = subtotal; payable ≥ deliveryFee ≥ 0
        expectBalanced(p);
        expect(Number.isSafeInteger(p.payable)).toBe(true);
        // every listed discount comes from an applicable rule, at most once
        const listed = p.discounts.map((d) => d.ruleId);
        expect(new Set(listed).size).toBe(listed.length);
        for (const d of p.discounts) {
          const r = c.rules.find((x) => x.id === d.ruleId && x.name === d.name)!;
          expect(r).toBeDefined();
          expect(ruleApplies(r, c)).toBe(true);
          expect(d.fundedBy).toBe(r.fundedBy);
        }
        // at most one exclusive rule, and it comes first
        const exclusive = p.discounts.filter(
          (d) => c.rules.find((r) => r.id === d.ruleId)?.stackable !== true,
        );
        expect(exclusive.length).toBeLessThanOrEqual(1);
        if (exclusive.length === 1) expect(p.discounts[0]).toBe(exclusive[0]);
        // if any applicable rule would give something on the full subtotal, something is applied
        const anyUseful = c.rules.some((r) => {
          if (!ruleApplies(r, c)) return false;
          const { type, value } = r.benefit;
          if (type === 'fixed_price') return p.subtotal > value;
          return p.subtotal > 0 && value > 0;
        });
        expect(isSubsidised(p)).toBe(anyUseful);
        // rule order does not matter
        expect(computePricing({ ...c, rules: [...c.rules].reverse() })).toEqual(p);
      } catch (e) {
        throw new Error(`${label}\n${(e as Error).message}`, { cause: e });
      }
    }
  });
});
