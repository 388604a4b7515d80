import { SUBSCRIPTION_TRANSITIONS, nextSubscriptionState, type SubscriptionEvent, type SubscriptionState } from './subscription-state.js';

const states = Object.keys(SUBSCRIPTION_TRANSITIONS) as SubscriptionState[];
const events: SubscriptionEvent[] = ['ask', 'suspend', 'ack', 'refuse', 'unsubscribe'];

describe('subscription state table', () => {
  for (const from of states) {
    for (const event of events) {
      const to = SUBSCRIPTION_TRANSITIONS[from][event];
      it(`${from} --${event}--> ${to === undefined ? 'throws' : (to ?? 'ignored')}`, () => {
        if (to === undefined) expect(() => nextSubscriptionState(from, event)).toThrow(/illegal subscription transition/);
        else expect(nextSubscriptionState(from, event)).toBe(to);
      });
    }
  }

  it('keeps unsubscribed final: every event is ignored there', () => {
    expect(events.map((event) => SUBSCRIPTION_TRANSITIONS.unsubscribed[event])).toEqual(events.map(() => null));
  });

  it('leaves failed only by unsubscribing', () => {
    const exits = events.map((event) => SUBSCRIPTION_TRANSITIONS.failed[event]).filter((to) => to !== null && to !== undefined);
    expect(exits).toEqual(['unsubscribed']);
  });
});
