/** The canteen's day sheet: dishes to cook per slot and orders per state, cancelled ones not cooked. */
import { daySheetFigures, type DaySheetOrder } from '@yiyangtong/shared';

const order = (status: DaySheetOrder['status'], slot: string, items: [string, number][]): DaySheetOrder => ({
  status,
  slot,
  items: items.map(([dishId, qty]) => ({ dishId, name: `菜${dishId}`, qty })),
});

test('quantities add up per slot and dish; a cancelled order is counted but not cooked', () => {
  const { totals, counts } = daySheetFigures([
    order('placed', 'lunch', [
      ['a', 2],
      ['b', 1],
    ]),
    order('confirmed', 'lunch', [['a', 1]]),
    order('served', 'dinner', [['a', 1]]),
    order('cancelled', 'lunch', [
      ['a', 5],
      ['b', 5],
    ]),
  ]);
  expect(totals).toEqual([
    { dishId: 'a', name: '菜a', slot: 'lunch', qty: 3 },
    { dishId: 'b', name: '菜b', slot: 'lunch', qty: 1 },
    { dishId: 'a', name: '菜a', slot: 'dinner', qty: 1 },
  ]);
  expect(counts).toEqual({ placed: 1, confirmed: 1, served: 1, cancelled: 1 });
});

test('an empty day: nothing to cook, every count zero', () => {
  expect(daySheetFigures([])).toEqual({
    totals: [],
    counts: { placed: 0, confirmed: 0, served: 0, cancelled: 0 },
  });
});
