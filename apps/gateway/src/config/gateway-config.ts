import type { Limits } from '@switchboard/protocol';
import type { ENGINE_KINDS, LOG_LEVELS } from './config.schema.js';

/** How the gateway verifies JWTs. `development` signs its own with a random secret. */
export type JwtSettings =
  | { mode: 'secret'; secret: string; algorithms: string[]; issuer?: string; audience?: string; userClaim: string }
  | {
      mode: 'jwks';
      jwksUrl: string;
      /** How often the key set is fetched again on schedule. */
      refreshMs: number;
      /** Least time between two fetches that unknown `kid`s cause. */
      cooldownMs: number;
      algorithms: string[];
      issuer?: string;
      audience?: string;
      userClaim: string;
    }
  | { mode: 'development'; secret: string; algorithms: ['HS256']; issuer?: string; audience?: string; userClaim: string };

/** What the gateway does when a user opens one connection more than allowed. */
export type ConnectionPolicy = 'reject' | 'evict-oldest';

/** The engines a configuration can name (see `ENGINE`). */
export type EngineKind = (typeof ENGINE_KINDS)[number];

/** Which engine keeps what outlives one connection, and how long a connection slot lives. */
export interface EngineChoice {
  kind: EngineKind;
  /** A connection slot expires after this unless its node renews it, which it does every third of it. */
  slotLeaseMs: number;
  /** This node's name (`NODE_ID`), random per process when unset: in `/health`, logs and `welcome`. */
  nodeId: string;
  /** Where the `redis` engine connects (`REDIS_URL`), and the prefix of its keys (`REDIS_PREFIX`). */
  redis: { url: string; prefix: string };
}

/** Channels: who may use which, and how much history each keeps (protocol §6). */
export interface ChannelSettings {
  /** Patterns every user may subscribe to. */
  publicSubscribe: string[];
  /** Patterns every user may publish to. */
  publicPublish: string[];
  historySize: number;
  historyTtlMs: number;
  /** Bytes of payload one channel's history holds at most; the oldest go first. */
  historyMaxBytes: number;
  /** Bytes of payload all channels' history on this node holds together (memory engine). */
  historyMaxTotalBytes: number;
  maxSubscriptionsPerConnection: number;
  /** How long a publish idempotency key is remembered per channel (protocol §5). */
  idempotencyWindowMs: number;
}

/** Where application messages go: an HTTP endpoint of the app's own backend. */
export interface BackendSettings {
  url: string;
  /** HMAC-SHA256 key of the body signature. */
  secret: string;
  timeoutMs: number;
  maxConnections: number;
  breaker: { errorPercent: number; minRequests: number; resetMs: number };
}

/** What bounds slow and unfinished HTTP requests (upgrades included). */
export interface HttpSettings {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** Connections from one peer address that have not yet sent a whole request head. */
  maxPendingRequestsPerIp: number;
}

/** The gateway's whole configuration, validated. Built once at start by `loadConfig`. */
export interface GatewayConfig {
  production: boolean;
  port: number;
  /** Interface to listen on; undefined means all of them. */
  host?: string;
  publicUrl?: string;
  trustProxy: boolean;
  /** Proxies in front of the gateway that append to `X-Forwarded-For` (used with `trustProxy`). */
  trustProxyHops: number;
  http: HttpSettings;
  engine: EngineChoice;
  jwt: JwtSettings;
  /** Origin allowlist entries; `['*']` allows any origin. */
  allowedOrigins: string[];
  limits: Limits;
  connectionPolicy: ConnectionPolicy;
  /** Connections this node accepts at most; 0 means no cap. */
  maxConnections: number;
  handshakeRatePerIp: number;
  /** Tickets per second one user, and one client IP, may take from `POST /ws/ticket`. */
  ticketRate: { perUser: number; perIp: number };
  /** Deepest nesting of arrays and objects a JSON frame or request body may have. */
  maxJsonDepth: number;
  maxBufferedBytes: number;
  ticketTtlMs: number;
  drainTimeoutMs: number;
  drainSpreadMs: number;
  authQueryToken: boolean;
  logLevel: (typeof LOG_LEVELS)[number];
  channels: ChannelSettings;
  /** Folder of `<type>.json` JSON Schemas for application messages. */
  schemasDir?: string;
  /** Unset: application messages answer `BACKEND_UNAVAILABLE`. */
  backend?: BackendSettings;
  /** Unset: the server API (`/api/*`) is disabled. */
  apiKey?: string;
  /** Absolute path of the built demo app, served at `/demo/` in development mode. */
  demoDir: string;
}

/** Nest injection token of the {@link GatewayConfig}. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
