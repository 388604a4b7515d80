import { IllegalTransitionError } from '../lifecycle/index.js';
import { MEMBER_TRANSITIONS, nextMemberState, type MemberEvent, type MemberState } from './member-state.js';

describe('channel member state table', () => {
  const states = Object.keys(MEMBER_TRANSITIONS) as MemberState[];
  const events: MemberEvent[] = ['subscribe', 'answered', 'publish', 'acked'];
  for (const from of states) {
    for (const event of events) {
      const to = MEMBER_TRANSITIONS[from][event];
      it(`${from} --${event}--> ${to ?? 'throws'}`, () => {
        if (to === undefined) expect(() => nextMemberState(from, event)).toThrow(IllegalTransitionError);
        else expect(nextMemberState(from, event)).toBe(to);
      });
    }
  }
});
