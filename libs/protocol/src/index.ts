/**
 * @switchboard/protocol: the wire contract of Switchboard, version 1, as both ends import
 * it. The specification is `docs/protocol.md` in this repository; every "protocol §N" in
 * the code (here, in the gateway and in the SDKs) cites a section of that file.
 *
 * @packageDocumentation
 */
export { ErrorCode, RECOVERABLE, isRecoverable, type HttpErrorBody } from './error-codes.js';
export { ERROR_CODE_BY_STATUS, errorCodeForStatus } from './http-status.js';
export {
  CloseCode,
  PolicyCloseReason,
  CLOSE_REACTIONS,
  type CloseReaction,
} from './close-codes.js';
export {
  DEFAULT_LIMITS,
  PROTOCOL_VERSION,
  SUBPROTOCOL,
  WS_PATH,
  type DiscoveryDocument,
  type Limits,
  type RateLimitPolicy,
  type TicketResponse,
} from './discovery.js';
export {
  CHANNEL_NAME_PATTERN,
  CLIENT_ENVELOPE_FIELDS,
  MAX_ID_LENGTH,
  MAX_TYPE_LENGTH,
  type ClientEnvelope,
  type Json,
  type ServerEnvelope,
} from './envelope.js';
export {
  ClientFrameType,
  ServerFrameType,
  type AckFrame,
  type ApplicationFrame,
  type AuthFrame,
  type ClientFrame,
  type ErrorFrame,
  type ErrorPayload,
  type MessageFrame,
  type PingFrame,
  type PongFrame,
  type PublishFrame,
  type ReconnectFrame,
  type ReconnectPayload,
  type ServerFrame,
  type SubscribeFrame,
  type UnsubscribeFrame,
  type WelcomeFrame,
  type WelcomePayload,
} from './frames.js';
export { parseClientFrame, type ParseFailure, type ParseOptions, type ParseResult } from './parse.js';
export type {
  AckedRequest,
  AckFrameFor,
  AckPayload,
  AckPayloads,
  AuthAckPayload,
  ChannelPublication,
  PublishAckPayload,
  SubscribeAckPayload,
  UnsubscribeAckPayload,
} from './acks.js';
export {
  isAckPayload,
  isDiscoveryDocument,
  isSubscribeAck,
  isTicketResponse,
  parseServerFrame,
  type ServerParseFailure,
  type ServerParseResult,
} from './parse-server.js';
export { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds } from './json-depth.js';
export {
  TokenBucket,
  fullAfterMs,
  rateLimitBucket,
  takeToken,
  type TokenBucketPolicy,
  type TokenBucketState,
  type TokenDecision,
} from './token-bucket.js';
export { applicationTypeError } from './application-type.js';
export {
  defineMessages,
  type MessageMap,
  type MessagePayload,
  type MessageType,
} from './message-map.js';
