import type { ClientEnvelope, Json, ServerEnvelope } from './envelope.js';
import type { ErrorCode } from './error-codes.js';
import type { Limits } from './discovery.js';

/** Frame types with a meaning of their own; every other type is an application message. */
export const ClientFrameType = {
  PING: 'ping',
  AUTH: 'auth',
  SUBSCRIBE: 'subscribe',
  UNSUBSCRIBE: 'unsubscribe',
  PUBLISH: 'publish',
} as const;

/** Types of the frames the gateway sends (protocol §5). */
export const ServerFrameType = {
  WELCOME: 'welcome',
  PONG: 'pong',
  ACK: 'ack',
  ERROR: 'error',
  MESSAGE: 'message',
  RECONNECT: 'reconnect',
} as const;

export interface PingFrame extends ClientEnvelope {
  type: 'ping';
}

export interface AuthFrame extends ClientEnvelope {
  type: 'auth';
  id: string;
  payload: { token: string };
}

export interface SubscribeFrame extends ClientEnvelope {
  type: 'subscribe';
  id: string;
  channel: string;
  payload?: { since?: { epoch: string; offset: number } };
}

export interface UnsubscribeFrame extends ClientEnvelope {
  type: 'unsubscribe';
  id: string;
  channel: string;
}

export interface PublishFrame extends ClientEnvelope {
  type: 'publish';
  id: string;
  channel: string;
  payload: Json;
}

/** Any type not in {@link ClientFrameType}: validated against its registered schema. */
export interface ApplicationFrame extends ClientEnvelope {
  id: string;
}

export type ClientFrame =
  | PingFrame
  | AuthFrame
  | SubscribeFrame
  | UnsubscribeFrame
  | PublishFrame
  | ApplicationFrame;

/** Payload of the first frame on every connection. */
export interface WelcomePayload {
  connectionId: string;
  userId: string;
  protocol: 1;
  heartbeatMs: number;
  /** ms since epoch when the connection's credential expires. */
  expiresAt: number;
  limits: Limits;
  serverTime: number;
}

/** Payload of every `error` frame. */
export interface ErrorPayload {
  /** One of {@link ErrorCode}, or a code an application backend chose. */
  code: ErrorCode | (string & {});
  message: string;
  recoverable: boolean;
  retryAfterMs?: number;
  details?: Json;
}

/** Payload of `reconnect`: wait `afterMs` before reconnecting. */
export interface ReconnectPayload {
  afterMs: number;
  reason: string;
}

export type WelcomeFrame = ServerEnvelope<'welcome', WelcomePayload>;
export type PongFrame = ServerEnvelope<'pong', undefined>;
/** Any `ack`; what its payload holds depends on the request it answers: see `AckPayloads` and `AckFrameFor`. */
export type AckFrame = ServerEnvelope<'ack', Json>;
export type ErrorFrame = ServerEnvelope<'error', ErrorPayload>;
export type ReconnectFrame = ServerEnvelope<'reconnect', ReconnectPayload>;
export type MessageFrame = ServerEnvelope<'message', Json> & {
  channel: string;
  offset: number;
  epoch: string;
};

export type ServerFrame =
  | WelcomeFrame
  | PongFrame
  | AckFrame
  | ErrorFrame
  | ReconnectFrame
  | MessageFrame;
