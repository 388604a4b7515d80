import { IllegalTransitionError } from '../lifecycle/index.js';
import { CONNECTION_TRANSITIONS, nextConnectionState, type ConnectionEvent, type ConnectionState } from './connection-state.js';

describe('connection state table', () => {
  const states = Object.keys(CONNECTION_TRANSITIONS) as ConnectionState[];
  const events: ConnectionEvent[] = ['close', 'closed'];
  for (const from of states) {
    for (const event of events) {
      const to = CONNECTION_TRANSITIONS[from][event];
      it(`${from} --${event}--> ${to ?? 'throws'}`, () => {
        if (to === undefined) expect(() => nextConnectionState(from, event)).toThrow(IllegalTransitionError);
        else expect(nextConnectionState(from, event)).toBe(to);
      });
    }
  }
});
