/** The client's lifecycle (protocol-independent): one closed union, changed only here. */
export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' | 'failed';

/** Why the client stopped for good: the server told it not to come back. */
export type FailureReason = 'unauthorized' | 'forbidden' | 'evicted';

export type ClientEvent = 'connect' | 'opened' | 'dropped' | 'close' | 'fail';

/** Every legal edge; anything else is a bug and throws. */
export const CLIENT_TRANSITIONS: Readonly<Record<ClientState, Partial<Record<ClientEvent, ClientState>>>> = {
  idle: { connect: 'connecting', close: 'closed' },
  connecting: { opened: 'open', dropped: 'reconnecting', close: 'closed', fail: 'failed' },
  open: { dropped: 'reconnecting', close: 'closed', fail: 'failed' },
  reconnecting: { opened: 'open', dropped: 'reconnecting', close: 'closed', fail: 'failed' },
  closed: { connect: 'connecting', close: 'closed' },
  failed: { close: 'failed' },
};

/** Where `event` leads from `state`. @throws {Error} for an edge the table lacks. */
export function nextState(state: ClientState, event: ClientEvent): ClientState {
  const next = CLIENT_TRANSITIONS[state][event];
  if (next === undefined) throw new Error(`illegal client transition: "${event}" in state "${state}"`);
  return next;
}

/** What `on('state')` listeners receive. */
export interface StateChange {
  state: ClientState;
  previous: ClientState;
  /** Set when `state` is `failed`. */
  reason?: FailureReason;
  /** ms since epoch. */
  at: number;
}
