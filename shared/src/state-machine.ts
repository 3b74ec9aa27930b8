/**
 * A state machine as data: each action names the states it may start from and the state it
 * leads to. Meal orders, visits (services/state.ts) and alarms are declared with it, and the
 * BFF's one transition helper (bff/src/db/transition.ts) turns an action into a conditional
 * write, so every "one transition per click" holds the same way.
 */
export type Transitions<S extends string, A extends string> = Record<A, { from: readonly S[]; to: S }>;

export interface StateMachine<S extends string, A extends string> {
  readonly transitions: Transitions<S, A>;
  /** The states `action` may start from. */
  from(action: A): readonly S[];
  /** The state `action` leads to. */
  to(action: A): S;
  /** The state after `action` from `status`, or null when the step is illegal. */
  next(status: S, action: A): S | null;
}

export function stateMachine<S extends string, A extends string>(
  transitions: Transitions<S, A>,
): StateMachine<S, A> {
  return {
    transitions,
    from: (action) => transitions[action].from,
    to: (action) => transitions[action].to,
    next: (status, action) => (transitions[action].from.includes(status) ? transitions[action].to : null),
  };
}

/** A meal order: confirmed by the canteen, served at the counter or the door, or cancelled. */
export type MealOrderStatus = 'placed' | 'confirmed' | 'served' | 'cancelled';
export type MealOrderAction = 'confirm' | 'serve' | 'cancel';
export const MEAL_ORDER_MACHINE = stateMachine<MealOrderStatus, MealOrderAction>({
  confirm: { from: ['placed'], to: 'confirmed' },
  serve: { from: ['placed', 'confirmed'], to: 'served' },
  cancel: { from: ['placed', 'confirmed'], to: 'cancelled' },
});

/** An alarm (SOS): taken (ack), then resolved; an elder's own press cancelled as a mistake while open. */
export type AlarmStatus = 'open' | 'acknowledged' | 'resolved' | 'cancelled';
export type AlarmAction = 'ack' | 'resolve' | 'cancel';
export const ALARM_MACHINE = stateMachine<AlarmStatus, AlarmAction>({
  ack: { from: ['open'], to: 'acknowledged' },
  resolve: { from: ['acknowledged'], to: 'resolved' },
  cancel: { from: ['open'], to: 'cancelled' },
});
