import {
  CHANNEL_NAME_PATTERN,
  CLIENT_ENVELOPE_FIELDS,
  MAX_ID_LENGTH,
  MAX_TYPE_LENGTH,
  type ClientEnvelope,
} from './envelope.js';
import { ClientFrameType, type ClientFrame } from './frames.js';
import { DEFAULT_MAX_JSON_DEPTH, jsonDepthExceeds } from './json-depth.js';
import { isRecord, parseJsonObject } from './json-object.js';

/** Why a frame was refused: one of the two codes parsing can produce. */
export interface ParseFailure {
  ok: false;
  code: 'INVALID_JSON' | 'INVALID_MESSAGE';
  message: string;
  /** The frame's `id` when it had a valid one, so the error can echo it. */
  id?: string;
}

export type ParseResult = { ok: true; frame: ClientFrame } | ParseFailure;

/**
 * Which envelope fields each built-in frame type requires. Other types need `id`. A `Map`,
 * because the key is the client's `type`: `constructor` must not find `Object.prototype`'s.
 */
const REQUIRED_FIELDS: ReadonlyMap<string, ReadonlyArray<keyof ClientEnvelope>> = new Map([
  [ClientFrameType.PING, []],
  [ClientFrameType.AUTH, ['id', 'payload']],
  [ClientFrameType.SUBSCRIBE, ['id', 'channel']],
  [ClientFrameType.UNSUBSCRIBE, ['id', 'channel']],
  [ClientFrameType.PUBLISH, ['id', 'channel', 'payload']],
]);
const APPLICATION_REQUIRED: ReadonlyArray<keyof ClientEnvelope> = ['id'];

const KNOWN_FIELDS = new Set<string>(CLIENT_ENVELOPE_FIELDS);

const invalid = (message: string, id?: string): ParseFailure => ({
  ok: false,
  code: 'INVALID_MESSAGE',
  message,
  ...(id === undefined ? {} : { id }),
});


/** Limits {@link parseClientFrame} applies beyond the envelope's own rules. */
export interface ParseOptions {
  /** Deepest nesting the payload may have; deeper is `INVALID_MESSAGE`. @default 64 */
  maxDepth?: number;
}

/**
 * Parses one text frame sent by a client and checks it against protocol §4–5.
 * Never throws: a bad frame comes back as a {@link ParseFailure} that names the problem.
 *
 * @example
 * const result = parseClientFrame('{"type":"ping","id":"1"}');
 * if (!result.ok) sendError(result.code, result.message, result.id);
 */
export function parseClientFrame(text: string, options: ParseOptions = {}): ParseResult {
  const parsed = parseJsonObject(text);
  if (!parsed.ok) return parsed;
  const { value } = parsed;

  const id = typeof value.id === 'string' && isValidId(value.id) ? value.id : undefined;
  const fieldError = checkFields(value);
  if (fieldError) return invalid(fieldError, id);

  const frame = value as unknown as ClientEnvelope;
  const required = REQUIRED_FIELDS.get(frame.type) ?? APPLICATION_REQUIRED;
  const missing = required.find((field) => frame[field] === undefined);
  if (missing) return invalid(`"${missing}" is required for type "${frame.type}"`, id);
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_JSON_DEPTH;
  if (jsonDepthExceeds(frame.payload, maxDepth)) return invalid(`"payload" nests deeper than ${maxDepth} levels`, id);

  if (frame.type === ClientFrameType.AUTH) {
    const payload = frame.payload;
    if (!isRecord(payload) || typeof payload.token !== 'string' || payload.token === '') {
      return invalid('auth needs payload.token, a non-empty string', id);
    }
  }
  return { ok: true, frame: frame as ClientFrame };
}

function checkFields(value: Record<string, unknown>): string | undefined {
  const unknown = Object.keys(value).find((key) => !KNOWN_FIELDS.has(key));
  if (unknown !== undefined) return `unknown top-level field "${unknown}"`;
  if (typeof value.type !== 'string') return '"type" must be a string';
  if (value.type.length === 0 || value.type.length > MAX_TYPE_LENGTH) {
    return `"type" must have 1 to ${MAX_TYPE_LENGTH} characters`;
  }
  if (value.id !== undefined && (typeof value.id !== 'string' || !isValidId(value.id))) {
    return `"id" must be a string of 1 to ${MAX_ID_LENGTH} characters`;
  }
  if (value.channel !== undefined) {
    if (typeof value.channel !== 'string' || !CHANNEL_NAME_PATTERN.test(value.channel)) {
      return `"channel" must match ${CHANNEL_NAME_PATTERN.source}`;
    }
  }
  return undefined;
}

function isValidId(id: string): boolean {
  return id.length >= 1 && id.length <= MAX_ID_LENGTH;
}
