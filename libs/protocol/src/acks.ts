import type { Json, ServerEnvelope } from './envelope.js';

// Type aliases, not interfaces: an alias of an object type is assignable to `Json`, so an
// `AckFrameFor<T>` is also an `AckFrame` (a `ServerFrame`) the gateway can send as it is.

/** A publication as `message` frames and recovered subscribe acks carry it (protocol §5–6). */
export type ChannelPublication = {
  channel: string;
  /** The publisher's payload, unchanged. */
  payload: Json;
  /** Per-channel position: grows by 1 per publication. */
  offset: number;
  /** Changes whenever the channel's history is lost; offsets of another epoch mean nothing. */
  epoch: string;
  /** ms since epoch when the gateway accepted the publication. */
  ts: number;
};

/** The `ack` of `auth`: when the new credential expires (protocol §5). */
export type AuthAckPayload = {
  /** ms since epoch. */
  expiresAt: number;
};

/**
 * The `ack` of `subscribe` (protocol §6): the channel's current position and, when
 * `since` could be served from history, every publication after it in order.
 */
export type SubscribeAckPayload = {
  channel: string;
  epoch: string;
  /** Offset of the channel's last publication (0 before the first). */
  offset: number;
  /** Whether `publications` holds everything after `since`; `false` means: reload your state. */
  recovered: boolean;
  /** Empty unless `recovered`. */
  publications: ChannelPublication[];
};

/** The `ack` of `unsubscribe` (protocol §5); sent also for a channel one was not subscribed to. */
export type UnsubscribeAckPayload = {
  channel: string;
};

/** The `ack` of `publish`: where the publication landed (protocol §5). */
export type PublishAckPayload = {
  offset: number;
  epoch: string;
};

/**
 * The payload of the `ack` answering each kind of request, keyed by the request's frame
 * `type`; `application` stands for every type that is not built in (protocol §5), whose
 * ack carries the backend's reply, or no payload when the backend replied nothing.
 * `ping` is answered by `pong`, not by an ack.
 *
 * @example
 * function settle(ack: AckPayload<'publish'>) {
 *   pending.confirm(ack.epoch, ack.offset);
 * }
 */
export interface AckPayloads {
  auth: AuthAckPayload;
  subscribe: SubscribeAckPayload;
  unsubscribe: UnsubscribeAckPayload;
  publish: PublishAckPayload;
  application: Json | undefined;
}

/** A request that is answered by an `ack`: a key of {@link AckPayloads}. */
export type AckedRequest = keyof AckPayloads;

/** The ack payload for one kind of request, e.g. `AckPayload<'subscribe'>`. */
export type AckPayload<T extends AckedRequest> = AckPayloads[T];

/** The whole `ack` frame answering one kind of request: `id` echoes the request's. */
export type AckFrameFor<T extends AckedRequest> = ServerEnvelope<'ack', AckPayload<T>> & { id: string };
