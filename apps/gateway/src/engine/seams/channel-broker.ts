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

/** History limits of every channel (protocol §6). */
export interface HistoryPolicy {
  size: number;
  ttlMs: number;
  /** Bytes of `payloadJson` one channel keeps at most; the oldest publications leave first. */
  maxBytes: number;
}

/** What a broker is built with: history limits and the publish idempotency window. */
export interface BrokerPolicy {
  history: HistoryPolicy;
  /**
   * How long a publish idempotency key is remembered per channel (`PUBLISH_IDEMPOTENCY_MS`;
   * protocol §5 asks for two minutes).
   */
  idempotencyWindowMs: number;
}

/**
 * Per-channel streams with offsets, epochs, bounded history and live fan-out to
 * listeners. Delivery to listeners may be asynchronous (Redis): callers never assume a
 * publication has reached a listener when `publish` resolves.
 */
export interface ChannelBroker {
  /**
   * Appends a publication and delivers it to every listener, in offset order per channel.
   * A key seen within the policy's `idempotencyWindowMs` returns the first result, publishing nothing.
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
