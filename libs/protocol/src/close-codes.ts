/** WebSocket close codes the gateway uses (protocol §7). */
export const CloseCode = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  TOO_LARGE: 1009,
  INTERNAL: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  CREDENTIAL_EXPIRED: 4001,
  FORBIDDEN: 4003,
  EVICTED: 4008,
} as const;

/** One of the {@link CloseCode} values. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close reasons the gateway writes with 1008, so clients can tell them apart. */
export const PolicyCloseReason = {
  RATE_LIMIT: 'rate-limit',
  BACKPRESSURE: 'backpressure',
} as const;

/** What a client should do after a close code: data, not an `if` chain (protocol §7). */
export type CloseReaction =
  | 'none'
  | 'reconnect'
  | 'reconnect-with-backoff'
  | 'reconnect-after-server-delay'
  | 'refresh-credential'
  | 'stop';

/** The SDK reaction for each close code of protocol §7; unknown codes reconnect with backoff. */
export const CLOSE_REACTIONS: Readonly<Record<CloseCode, CloseReaction>> = {
  1000: 'none',
  1001: 'reconnect',
  1008: 'reconnect-with-backoff',
  1009: 'reconnect',
  1011: 'reconnect-with-backoff',
  1012: 'reconnect-after-server-delay',
  1013: 'reconnect-with-backoff',
  4001: 'refresh-credential',
  4003: 'stop',
  4008: 'stop',
};
