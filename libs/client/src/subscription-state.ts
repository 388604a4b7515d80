/** A subscription's lifecycle: `subscribing` until acked (again after every reconnect or gap). */
export type SubscriptionState = 'subscribing' | 'subscribed' | 'unsubscribed' | 'failed';

/**
 * What happens to a subscription:
 * - `ask`: a subscribe frame goes out (a reconnect, a gap, a new epoch with publications);
 * - `suspend`: the connection dropped;
 * - `ack`: the gateway answered the subscribe;
 * - `refuse`: the gateway refused it for good (`FORBIDDEN`, a bad name);
 * - `unsubscribe`: the app, or the client closing.
 */
export type SubscriptionEvent = 'ask' | 'suspend' | 'ack' | 'refuse' | 'unsubscribe';

/**
 * Every edge of a subscription. `null` marks a signal that may come late and changes
 * nothing (an answer to a subscribe the app has since left); an event a state lacks is a
 * bug and throws.
 */
export const SUBSCRIPTION_TRANSITIONS: Readonly<Record<SubscriptionState, Partial<Record<SubscriptionEvent, SubscriptionState | null>>>> = {
  subscribing: { ask: 'subscribing', suspend: 'subscribing', ack: 'subscribed', refuse: 'failed', unsubscribe: 'unsubscribed' },
  subscribed: { ask: 'subscribing', suspend: 'subscribing', ack: null, unsubscribe: 'unsubscribed' },
  unsubscribed: { ask: null, suspend: null, ack: null, refuse: null, unsubscribe: null },
  failed: { ask: null, suspend: null, ack: null, unsubscribe: 'unsubscribed' },
};

/**
 * Where `event` leads from `state`; `null` when the event is to be ignored there.
 * @throws {Error} for an edge the table lacks.
 */
export function nextSubscriptionState(state: SubscriptionState, event: SubscriptionEvent): SubscriptionState | null {
  const next = SUBSCRIPTION_TRANSITIONS[state][event];
  if (next === undefined) throw new Error(`illegal subscription transition: "${event}" in state "${state}"`);
  return next;
}
