/** Meal orders and alarms as state machines: every (status, action) pair, allowed or forbidden. */
import { ALARM_MACHINE, MEAL_ORDER_MACHINE, type StateMachine } from '@yiyangtong/shared';

// Written out independently of the implementation's tables.
const MEAL_ALLOWED: [string, string, string][] = [
  ['placed', 'confirm', 'confirmed'],
  ['placed', 'serve', 'served'],
  ['confirmed', 'serve', 'served'],
  ['placed', 'cancel', 'cancelled'],
  ['confirmed', 'cancel', 'cancelled'],
];
const ALARM_ALLOWED: [string, string, string][] = [
  ['open', 'ack', 'acknowledged'],
  ['acknowledged', 'resolve', 'resolved'],
  ['open', 'cancel', 'cancelled'],
];

function everyPair<S extends string, A extends string>(
  machine: StateMachine<S, A>,
  statuses: S[],
  allowed: [string, string, string][],
) {
  const actions = Object.keys(machine.transitions) as A[];
  for (const s of statuses)
    for (const a of actions) {
      const hit = allowed.find(([from, act]) => from === s && act === a);
      expect([s, a, machine.next(s, a)]).toEqual([s, a, hit ? hit[2] : null]);
    }
}

test('meal orders: confirm only a placed order; serve or cancel placed/confirmed; served and cancelled are final', () => {
  everyPair(MEAL_ORDER_MACHINE, ['placed', 'confirmed', 'served', 'cancelled'], MEAL_ALLOWED);
  expect(MEAL_ORDER_MACHINE.from('serve')).toEqual(['placed', 'confirmed']);
});

test('alarms: take an open one, resolve a taken one, cancel only while open (nobody has taken it)', () => {
  everyPair(ALARM_MACHINE, ['open', 'acknowledged', 'resolved', 'cancelled'], ALARM_ALLOWED);
});
