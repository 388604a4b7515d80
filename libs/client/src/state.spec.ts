import { CLIENT_TRANSITIONS, nextState, type ClientEvent, type ClientState } from './state.js';

const states = Object.keys(CLIENT_TRANSITIONS) as ClientState[];
const events: ClientEvent[] = ['connect', 'opened', 'dropped', 'close', 'fail'];

describe('client state table', () => {
  for (const from of states) {
    for (const event of events) {
      const to = CLIENT_TRANSITIONS[from][event];
      it(`${from} --${event}--> ${to ?? 'throws'}`, () => {
        if (to === undefined) expect(() => nextState(from, event)).toThrow(/illegal client transition/);
        else expect(nextState(from, event)).toBe(to);
      });
    }
  }

  it('keeps failed terminal', () => {
    expect(events.map((event) => CLIENT_TRANSITIONS.failed[event]).filter(Boolean)).toEqual(['failed']);
  });
});
