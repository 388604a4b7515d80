/** The client's lifecycle as the app sees it (protocol-independent). */
export type ClientState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed' | 'failed';

/** Why the client stopped for good: the server told it not to come back. */
export type FailureReason = 'unauthorized' | 'forbidden' | 'evicted';

/**
 * Where the connect loop is: one closed union, changed only through {@link nextPhase}.
 * The steps of an attempt are `fetching` (discovery, `getToken()`, the ticket), `waiting`
 * (a delay before the next attempt: a countdown is this state, with its `retryAt`),
 * `dialing` (the WebSocket handshake) and `greeting` (the socket is open, the `welcome`
 * has not come). Before the first drop they belong to `connecting`, after it to
 * `reconnecting`: the prefix is the {@link ClientState} the app sees.
 */
export type ConnectionPhase =
  | 'idle'
  | 'connecting.fetching'
  | 'connecting.waiting'
  | 'connecting.dialing'
  | 'connecting.greeting'
  | 'open'
  | 'reconnecting.fetching'
  | 'reconnecting.waiting'
  | 'reconnecting.dialing'
  | 'reconnecting.greeting'
  | 'closed'
  | 'failed';

/**
 * What moves the loop:
 * - `connect`: `client.connect()`;
 * - `dial`: a ticket URL is there; `socket`: the WebSocket opened; `welcome`: the gateway's welcome;
 * - `wait`: try again after a delay; `retry`: try again at once; `elapse`: the delay is
 *   over (or the network or the tab came back during a delay that allows it);
 * - `advise`: a `reconnect` frame told the connection how long to wait after its close;
 * - `close`: `client.close()`, or a close 1000 from the gateway; `fail`: told not to come back.
 */
export type ClientEvent = 'connect' | 'dial' | 'socket' | 'welcome' | 'wait' | 'retry' | 'elapse' | 'advise' | 'close' | 'fail';

type Edges = Partial<Record<ClientEvent, ConnectionPhase>>;
type Round = 'connecting' | 'reconnecting';

/** A connection that is up or being set up goes to `reconnecting` when it ends, however it ends. */
const ending: Edges = { wait: 'reconnecting.waiting', retry: 'reconnecting.fetching', close: 'closed', fail: 'failed' };

/** The steps of an attempt, the same in either round; only where an ending leads differs, and `ending` says it. */
const attempt = (round: Round): Record<`${Round}.${'fetching' | 'waiting' | 'dialing' | 'greeting'}`, Edges> => ({
  [`${round}.fetching`]: { dial: `${round}.dialing`, wait: `${round}.waiting`, retry: `${round}.fetching`, close: 'closed', fail: 'failed' },
  [`${round}.waiting`]: { elapse: `${round}.fetching`, close: 'closed' },
  [`${round}.dialing`]: { socket: `${round}.greeting`, ...ending },
  [`${round}.greeting`]: { welcome: 'open', advise: `${round}.greeting`, ...ending },
}) as Record<`${Round}.${'fetching' | 'waiting' | 'dialing' | 'greeting'}`, Edges>;

/**
 * Every legal edge of the connect loop; anything else is a bug and throws. A `fetching`
 * that fails goes to `waiting` (or straight to `fetching` again) in the same round; a
 * handshake or a connection that ends goes to the `reconnecting` round.
 */
export const CLIENT_TRANSITIONS: Readonly<Record<ConnectionPhase, Edges>> = {
  idle: { connect: 'connecting.fetching', close: 'closed' },
  ...attempt('connecting'),
  open: { advise: 'open', ...ending },
  ...attempt('reconnecting'),
  closed: { connect: 'connecting.fetching', close: 'closed' },
  failed: { close: 'failed' },
};

/** Where `event` leads from `phase`. @throws {Error} for an edge the table lacks. */
export function nextPhase(phase: ConnectionPhase, event: ClientEvent): ConnectionPhase {
  const next = CLIENT_TRANSITIONS[phase][event];
  if (next === undefined) throw new Error(`illegal client transition: "${event}" in phase "${phase}"`);
  return next;
}

/** The state the app sees in `phase`. */
export function clientState(phase: ConnectionPhase): ClientState {
  const dot = phase.indexOf('.');
  return (dot < 0 ? phase : phase.slice(0, dot)) as ClientState;
}

/** The loop's state: its phase and the data that phase carries. */
export interface ConnectionStatus {
  phase: ConnectionPhase;
  /** ms since epoch when the phase began. */
  at: number;
  /** `waiting`: when the next attempt starts, ms since epoch. */
  retryAt?: number;
  /** `waiting`: whether the network or the tab coming back may cut it short (never a delay the server asked for). */
  hurryable?: boolean;
  /**
   * `fetching`, `dialing`, `greeting`: the network or the tab came back during this attempt,
   * so if it fails the next one starts at once. Data of the attempt, carried from phase to phase.
   */
  hurried?: boolean;
  /** `dialing`: the ticket URL. */
  url?: string;
  /** `open`: the `afterMs` of the gateway's `reconnect` frame, for the wait after its close. */
  afterMs?: number;
  /** `failed`: why. */
  reason?: FailureReason;
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
