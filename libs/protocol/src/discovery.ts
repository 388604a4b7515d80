/** Version of the wire protocol that `docs/protocol.md` describes. */
export const PROTOCOL_VERSION = 1;

/** WebSocket subprotocol the SDK offers and the gateway selects. */
export const SUBPROTOCOL = 'switchboard.v1';

/** Path of the WebSocket endpoint on the gateway's listener. */
export const WS_PATH = '/ws';

/** Per-user message rate limit, a token bucket shared by all of a user's connections. */
export interface RateLimitPolicy {
  /** Tokens added per `intervalMs`. */
  messages: number;
  intervalMs: number;
  /** Bucket capacity: how many frames may be sent at once after a quiet period. */
  burst: number;
}

/** Limits a client must respect; sent in `welcome` and in the discovery document. */
export interface Limits {
  maxConnectionsPerUser: number;
  rateLimit: RateLimitPolicy;
  maxMessageBytes: number;
  heartbeatMs: number;
}

/**
 * The gateway's default limits (protocol §8): what it advertises unless configured
 * otherwise, and what the SDK assumes until a `welcome` tells it the real ones.
 */
export const DEFAULT_LIMITS: Limits = {
  maxConnectionsPerUser: 5,
  rateLimit: { messages: 60, intervalMs: 10_000, burst: 60 },
  maxMessageBytes: 65_536,
  heartbeatMs: 25_000,
};

/** The document served at `GET /ws/config` (protocol §8). */
export interface DiscoveryDocument {
  protocol: typeof PROTOCOL_VERSION;
  websocket: { url: string; subprotocol: typeof SUBPROTOCOL };
  auth: { ticketUrl: string; methods: Array<'ticket' | 'header' | 'query'> };
  limits: Limits;
  features: { channels: boolean; history: boolean; recovery: boolean };
}

/** Answer of `POST /ws/ticket`. */
export interface TicketResponse {
  ticket: string;
  /** ms since epoch after which the ticket is refused. */
  expiresAt: number;
  /** Full WebSocket URL with `?ticket=`. */
  url: string;
}
