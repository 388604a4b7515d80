import { transition, type TransitionTable } from '../lifecycle/index.js';

/** One connection's lifecycle on this node. */
export type ConnectionState = 'open' | 'closing' | 'closed';
/** `close`: the gateway starts closing it; `closed`: the socket is gone, whoever closed it. */
export type ConnectionEvent = 'close' | 'closed';

export const CONNECTION_TRANSITIONS: TransitionTable<ConnectionState, ConnectionEvent> = {
  open: { close: 'closing', closed: 'closed' },
  closing: { closed: 'closed' },
  closed: {},
};

export function nextConnectionState(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  return transition(CONNECTION_TRANSITIONS, state, event);
}
