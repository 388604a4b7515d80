/** A transition table: for each state, the events it accepts and the state each leads to. */
export type TransitionTable<S extends string, E extends string> = Record<S, Partial<Record<E, S>>>;

/** Raised for an event the current state does not accept: always a bug. */
export class IllegalTransitionError extends Error {
  override readonly name = 'IllegalTransitionError';
  constructor(from: string, event: string) {
    super(`illegal transition: "${event}" in state "${from}"`);
  }
}

/** Looks up where `event` leads from `state`; throws for an edge the table lacks. */
export function transition<S extends string, E extends string>(
  table: TransitionTable<S, E>,
  state: S,
  event: E,
): S {
  const next = table[state][event];
  if (next === undefined) throw new IllegalTransitionError(state, event);
  return next;
}
