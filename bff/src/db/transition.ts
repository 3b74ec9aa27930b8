import type mongoose from 'mongoose';
import type { StateMachine } from '@yiyangtong/shared';
import { conditionalUpdate } from './write-lock';

/**
 * One step of a state machine (shared/src/state-machine.ts) as one conditional write: the
 * document moves only if its `status` is still one the action may start from, so of two
 * clicks (or two workers) exactly one moves it. Sets `status` to the action's target with
 * whatever else the domain sets and pushes; null when the document was not in a starting
 * state (the domain then says why, in its own words, with a 409).
 */
export async function applyTransition<T, S extends string, A extends string>(
  model: mongoose.Model<T>,
  id: string,
  machine: StateMachine<S, A>,
  action: A,
  update: { set?: Record<string, unknown>; push?: Record<string, unknown>; unset?: string[] } = {},
): Promise<T | null> {
  const from = machine.from(action);
  return conditionalUpdate<T>(
    model,
    id,
    // a single state as a plain equality (the common case), several with $in
    { status: from.length === 1 ? from[0] : { $in: [...from] } },
    {
      $set: { ...update.set, status: machine.to(action) },
      ...(update.push ? { $push: update.push } : {}),
      ...(update.unset?.length ? { $unset: Object.fromEntries(update.unset.map((k) => [k, 1])) } : {}),
    } as mongoose.UpdateQuery<T>,
  );
}
