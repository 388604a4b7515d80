import type { AckedRequest, AckPayload, SubscribeAckPayload } from './acks.js';
import { PROTOCOL_VERSION, type DiscoveryDocument, type TicketResponse } from './discovery.js';
import { ServerFrameType, type ServerFrame } from './frames.js';
import { isRecord, parseJsonObject } from './json-object.js';

/** Why a frame from the gateway was refused. */
export interface ServerParseFailure {
  ok: false;
  /** `UNKNOWN_TYPE`: a well-formed frame whose `type` protocol §5 does not list. */
  code: 'INVALID_JSON' | 'INVALID_MESSAGE' | 'UNKNOWN_TYPE';
  message: string;
}

export type ServerParseResult = { ok: true; frame: ServerFrame } | ServerParseFailure;

type Check = (value: unknown) => boolean;
/** A check per field, or the shape of a nested object. Unlisted fields pass: the protocol may add optional ones. */
type Shape = { readonly [field: string]: Check | Shape };

const string: Check = (value) => typeof value === 'string';
const boolean: Check = (value) => typeof value === 'boolean';
// JSON.parse reads 1e400 as Infinity: finiteness is a check, not a given.
const number: Check = (value) => typeof value === 'number' && Number.isFinite(value);
const duration: Check = (value) => number(value) && (value as number) >= 0;
const positive: Check = (value) => number(value) && (value as number) > 0;
/** Counts and sizes: a token bucket with a burst under 1 would never send anything. */
const count: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 1;
const offset: Check = (value) => Number.isSafeInteger(value) && (value as number) >= 0;
const present: Check = (value) => value !== undefined;
const optional = (check: Check): Check => (value) => value === undefined || check(value);

const ENVELOPE: Shape = { id: optional(string), channel: optional(string), ts: number };
const PUBLICATION: Shape = { channel: string, payload: present, offset, epoch: string, ts: number };
const LIMITS: Shape = {
  maxConnectionsPerUser: count,
  rateLimit: { messages: count, intervalMs: positive, burst: count },
  maxMessageBytes: count,
  heartbeatMs: positive,
};
const WELCOME: Shape = {
  connectionId: string,
  userId: string,
  protocol: (value) => value === PROTOCOL_VERSION,
  heartbeatMs: positive,
  expiresAt: number,
  limits: LIMITS,
  serverTime: number,
};
const ERROR: Shape = { code: string, message: string, recoverable: boolean, retryAfterMs: optional(duration) };

/** Whether a value is an object of `shape`. */
const shaped = (shape: Shape): Check => (value) => isRecord(value) && mismatch(value, shape) === undefined;

/** A subscribe ack's payload (protocol §6); its publications have the shape of `message` frames'. */
const SUBSCRIBE_ACK: Check = shaped({
  channel: string,
  epoch: string,
  offset,
  recovered: boolean,
  publications: (value) => Array.isArray(value) && value.every(shaped(PUBLICATION)),
});

/** The check of each ack payload (protocol §5–6), in a `Map` like {@link FRAMES}: callers may pass any string. */
const ACKS: ReadonlyMap<string, Check> = new Map<AckedRequest, Check>([
  ['auth', shaped({ expiresAt: number })],
  ['subscribe', SUBSCRIBE_ACK],
  ['unsubscribe', shaped({ channel: string })],
  ['publish', shaped({ offset, epoch: string })],
  // A backend's reply is any JSON, or nothing.
  ['application', () => true],
]);

const DISCOVERY: Shape = {
  protocol: (value) => value === PROTOCOL_VERSION,
  websocket: { url: string, subprotocol: string },
  auth: { ticketUrl: string },
  limits: LIMITS,
};
const TICKET: Shape = { ticket: string, expiresAt: number, url: string };

/** The shape of each server frame type. A `Map`, because the key is the server's `type`: `constructor` must find nothing. */
const FRAMES: ReadonlyMap<string, Shape> = new Map<string, Shape>([
  [ServerFrameType.WELCOME, { ...ENVELOPE, payload: WELCOME }],
  [ServerFrameType.PONG, ENVELOPE],
  [ServerFrameType.ACK, { ...ENVELOPE, id: string }],
  [ServerFrameType.ERROR, { ...ENVELOPE, payload: ERROR }],
  [ServerFrameType.MESSAGE, { ...ENVELOPE, ...PUBLICATION }],
  [ServerFrameType.RECONNECT, { ...ENVELOPE, payload: { afterMs: duration, reason: string } }],
]);

/** The path of the first field of `value` that fails `shape`, e.g. `payload.limits.heartbeatMs`. */
function mismatch(value: Record<string, unknown>, shape: Shape, path = ''): string | undefined {
  for (const field of Object.keys(shape)) {
    const check = shape[field]!;
    const at = path + field;
    const inner = value[field];
    if (typeof check === 'function') {
      if (!check(inner)) return at;
    } else {
      if (!isRecord(inner)) return at;
      const bad = mismatch(inner, check, `${at}.`);
      if (bad !== undefined) return bad;
    }
  }
  return undefined;
}

const invalid = (message: string): ServerParseFailure => ({ ok: false, code: 'INVALID_MESSAGE', message });

/**
 * Parses one text frame from the gateway and checks it against protocol §4–5: the
 * envelope (`id` and `channel` strings when set, `ts` a number), then the fields its type
 * requires — `welcome` its whole payload and limits, `ack` an `id`, `error` a payload of
 * `{code, message, recoverable, retryAfterMs?}`, `message` its position (`channel`, `offset`
 * a non-negative safe integer, `epoch`) and `payload`, `reconnect` `{afterMs, reason}`.
 * Fields the protocol does not name are let through, so the gateway may add optional ones.
 * Never throws.
 *
 * A `type` outside §5 is refused as `UNKNOWN_TYPE`: protocol v1 lists every frame the
 * gateway sends, and a new kind of frame would come with a new protocol version (and
 * subprotocol), so an unknown one means a broken or foreign server. Callers may still
 * choose to ignore that code.
 *
 * @example
 * const result = parseServerFrame(event.data);
 * if (!result.ok) report(result.code, result.message);
 * else if (result.frame.type === 'ack') settle(result.frame.id, result.frame.payload);
 */
export function parseServerFrame(text: string): ServerParseResult {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const { value } = parsed;
  if (typeof value.type !== 'string') return invalid('"type" must be a string');
  const shape = FRAMES.get(value.type);
  if (!shape) return { ok: false, code: 'UNKNOWN_TYPE', message: `unknown frame type ${JSON.stringify(value.type.slice(0, 64))}` };
  const bad = mismatch(value, shape);
  if (bad !== undefined) return invalid(`${value.type}: "${bad}" is missing or has the wrong type`);
  return { ok: true, frame: value as unknown as ServerFrame };
}

/**
 * Whether an `ack` payload has the shape of {@link AckPayload}`<request>`: only the
 * request says what an ack answers, so {@link parseServerFrame} cannot check this itself.
 * A subscribe ack's publications must each have the shape of a `message` frame's.
 *
 * @example
 * if (!isAckPayload('publish', ack.payload)) pending.fail(invalidFrame);
 * else pending.confirm(ack.payload.epoch, ack.payload.offset);
 */
export function isAckPayload<T extends AckedRequest>(request: T, payload: unknown): payload is AckPayload<T> {
  return ACKS.get(request)?.(payload) ?? false;
}

/**
 * Whether an `ack` payload is a subscribe ack of protocol §6: `isAckPayload('subscribe', payload)`.
 *
 * @example
 * if (!isSubscribeAck(ack.payload)) subscription.failed(invalidFrame);
 */
export function isSubscribeAck(payload: unknown): payload is SubscribeAckPayload {
  return SUBSCRIBE_ACK(payload);
}

/**
 * Whether a `GET /ws/config` answer has the shape of a discovery document (protocol §8):
 * protocol 1, string URLs and valid limits. Whether the URLs parse is the caller's check:
 * this package assumes no `URL` global.
 */
export function isDiscoveryDocument(value: unknown): value is DiscoveryDocument {
  return isRecord(value) && mismatch(value, DISCOVERY) === undefined;
}

/** Whether a `POST /ws/ticket` answer has the shape of a ticket (`url` is not parsed here either). */
export function isTicketResponse(value: unknown): value is TicketResponse {
  return isRecord(value) && mismatch(value, TICKET) === undefined;
}
