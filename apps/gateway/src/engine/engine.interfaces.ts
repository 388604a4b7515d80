/** What a ticket stands for: the user and the JWT it was issued against. */
export interface TicketGrant {
  userId: string;
  claims: Record<string, unknown>;
  /** ms since epoch when the JWT behind the ticket expires; the connection ends then. */
  credentialExpiresAt: number;
}

/** Holds tickets between `POST /ws/ticket` and the handshake that spends them. */
export interface TicketStore {
  /** Keeps `grant` under `ticket` for `ttlMs`. */
  put(ticket: string, grant: TicketGrant, ttlMs: number): Promise<void>;
  /** Returns the grant and forgets it, so a ticket works once; null when unknown or expired. */
  take(ticket: string): Promise<TicketGrant | null>;
}

/** The outcome of asking for a connection slot. */
export type SlotResult =
  | { admitted: true; evicted: string[] }
  | { admitted: false; held: number };

/** Counts each user's open connections, across every node that shares the engine. */
export interface ConnectionRegistry {
  /**
   * Takes a slot for `connectionId`. When the user already holds `max`, `reject` refuses
   * and `evict-oldest` frees the oldest slots and names them in `evicted`.
   */
  acquire(
    userId: string,
    connectionId: string,
    max: number,
    policy: 'reject' | 'evict-oldest',
  ): Promise<SlotResult>;
  /** Frees the slot; freeing one that is not held does nothing. */
  release(userId: string, connectionId: string): Promise<void>;
  /** How many slots the user holds. */
  count(userId: string): Promise<number>;
}

/** A token bucket: `capacity` tokens, refilled by `refill` every `intervalMs`. */
export interface BucketPolicy {
  capacity: number;
  refill: number;
  intervalMs: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterMs: number };

/** One token bucket per key; every node sharing the engine shares the buckets. */
export interface RateLimiter {
  /** Takes one token from `key`'s bucket, or says how long until one is there. */
  consume(key: string): Promise<RateDecision>;
}

/** Where a channel's stream stands: offsets only compare within one epoch (protocol §6). */
export interface StreamPosition {
  epoch: string;
  offset: number;
}

/** One publication of a channel. */
export interface Publication extends StreamPosition {
  channel: string;
  /**
   * The payload as JSON text, serialized once by the publisher before the broker changes
   * any state: what cannot be serialized is refused before it takes an offset.
   */
  payloadJson: string;
  /** ms since epoch when it was published. */
  ts: number;
}

/** A publish's outcome; `duplicate` when the idempotency key was seen within the window. */
export interface PublishResult extends StreamPosition {
  duplicate: boolean;
}

/** The current position and, with `since`, what history still holds after it. */
export interface HistoryResult extends StreamPosition {
  /** True when the epoch matches and `publications` is every publication after `since`. */
  recovered: boolean;
  /** Retained publications after `since.offset`, oldest first; none for another epoch. */
  publications: Publication[];
}

/** How long a publish idempotency key is remembered (protocol §5: two minutes). */
export const IDEMPOTENCY_WINDOW_MS = 120_000;

/** Per-channel streams with offsets, epochs, bounded history and live fan-out to listeners. */
export interface ChannelBroker {
  /**
   * Appends a publication and delivers it to every listener, in offset order per channel.
   * A key seen within {@link IDEMPOTENCY_WINDOW_MS} returns the first result, publishing nothing.
   */
  publish(channel: string, payloadJson: string, options?: { idempotencyKey?: string }): Promise<PublishResult>;
  /**
   * The channel's position; with `since`, the retained publications after it and whether
   * they are all of them (`recovered`, protocol §6).
   */
  history(channel: string, since?: StreamPosition): Promise<HistoryResult>;
  /** Calls `listener` for every later publication of `channel`; resolves with the way to stop. */
  listen(channel: string, listener: (publication: Publication) => void): Promise<() => Promise<void>>;
}

/** History limits of every channel (protocol §6). */
export interface HistoryPolicy {
  size: number;
  ttlMs: number;
  /** Bytes of `payloadJson` one channel keeps at most; the oldest publications leave first. */
  maxBytes: number;
}

/** Everything the gateway keeps outside a single connection; swapped whole for Redis. */
export interface Engine {
  readonly name: string;
  readonly tickets: TicketStore;
  readonly connections: ConnectionRegistry;
  readonly broker: ChannelBroker;
  /** Creates a limiter whose buckets are kept under `namespace`. */
  rateLimiter(namespace: string, policy: BucketPolicy): RateLimiter;
  /** True while the engine answers; `/ready` reports it. */
  isHealthy(): Promise<boolean>;
  close(): Promise<void>;
}

/** Nest injection token of the {@link Engine}. */
export const ENGINE = Symbol('ENGINE');
