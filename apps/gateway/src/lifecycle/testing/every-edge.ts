import { IllegalTransitionError, type TransitionTable } from '../state-machine.js';

/**
 * Generates one jest test per state and event of `table`: the event leads where the table
 * says, or throws {@link IllegalTransitionError} where the table names no edge. `step`
 * takes the machine under test into `from` and dispatches `event`, returning the new state.
 * Test support for the specs of every table; not part of the build.
 */
export function testEveryEdge<S extends string, E extends string>(
  table: TransitionTable<S, E>,
  events: readonly E[],
  step: (from: S, event: E) => S,
): void {
  for (const from of Object.keys(table) as S[]) {
    for (const event of events) {
      const to = table[from][event];
      it(`${from} --${event}--> ${to ?? 'throws'}`, () => {
        if (to === undefined) expect(() => step(from, event)).toThrow(IllegalTransitionError);
        else expect(step(from, event)).toBe(to);
      });
    }
  }
}
