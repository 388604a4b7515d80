/**
 * The oracle: what protocol §4–6 says each frame must be answered with, derived from the
 * frame's text and the connection's user, never from what the gateway answers.
 */
import { CHANNEL_NAME_PATTERN, CLIENT_ENVELOPE_FIELDS, MAX_ID_LENGTH, MAX_TYPE_LENGTH } from '@switchboard/protocol';
import type { Frame } from '../../support/test-socket.js';
import { jsonDepth } from '../hostile-input.js';
import type { FuzzContext } from './fuzz-context.js';
import { MAX_JSON_DEPTH } from './gateway-defaults.js';

/** `pong`, `ack`, or `error:<code>`. */
type Outcome = string;

export interface Expectation {
  /** The id the answer must echo; undefined when the frame has no valid id. */
  id?: string;
  /** Allowed outcomes; the frame's answer must be one of them. */
  allowed: readonly Outcome[];
  /** Further checks on an `ack`; returns the problem, if any. */
  check?: (answer: Frame) => string | undefined;
}

const ENVELOPE = new Set<string>(CLIENT_ENVELOPE_FIELDS);
const INVALID: readonly Outcome[] = ['error:INVALID_MESSAGE'];
const isRecord = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const validId = (v: unknown): v is string => typeof v === 'string' && v.length >= 1 && v.length <= MAX_ID_LENGTH;
const publicChannel = (channel: string) => /^fuzz:.+$/.test(channel);
/** Fields beyond those a built-in type uses: the protocol is silent, so the frame may be refused. */
const extraFields = (frame: Record<string, unknown>, used: string[]) =>
  Object.keys(frame).some((key) => key !== 'type' && !used.includes(key));
const orInvalid = (outcomes: Outcome[], lenient: boolean): Outcome[] => (lenient ? [...outcomes, 'error:INVALID_MESSAGE'] : outcomes);

function sinceIsWellFormed(payload: unknown): 'absent' | 'valid' | 'bad' {
  if (payload === undefined || payload === null) return 'absent';
  if (!isRecord(payload)) return 'bad';
  if (payload.since === undefined) return Object.keys(payload).length === 0 ? 'absent' : 'bad';
  const since = payload.since;
  return isRecord(since) && typeof since.epoch === 'string' && Number.isSafeInteger(since.offset) && since.offset >= 0 ? 'valid' : 'bad';
}

/** The answer protocol §4–6 prescribes for `wire`, as the gateway decodes it. */
export function expectationFor(wire: string, ctx: FuzzContext): Expectation {
  let frame: unknown;
  try {
    frame = JSON.parse(wire);
  } catch {
    return { allowed: ['error:INVALID_JSON'] };
  }
  if (!isRecord(frame)) return { allowed: INVALID };
  const id = validId(frame.id) ? frame.id : undefined;
  const invalid: Expectation = { id, allowed: INVALID };
  if (Object.keys(frame).some((key) => !ENVELOPE.has(key))) return invalid;
  if (typeof frame.type !== 'string' || frame.type.length === 0 || frame.type.length > MAX_TYPE_LENGTH) return invalid;
  if (frame.id !== undefined && id === undefined) return invalid;
  if (frame.channel !== undefined && (typeof frame.channel !== 'string' || !CHANNEL_NAME_PATTERN.test(frame.channel))) return invalid;
  if (frame.payload !== undefined && jsonDepth(frame.payload) > MAX_JSON_DEPTH) return invalid;
  const channel = frame.channel as string | undefined;

  switch (frame.type) {
    case 'ping':
      return { id, allowed: orInvalid(['pong'], extraFields(frame, ['id'])) };
    case 'auth': {
      if (id === undefined || frame.payload === undefined) return invalid;
      const token = isRecord(frame.payload) ? frame.payload.token : undefined;
      if (typeof token !== 'string' || token === '') return invalid;
      const lenient = extraFields(frame, ['id', 'payload']);
      if (token !== ctx.selfToken) return { id, allowed: orInvalid(['error:UNAUTHORIZED'], lenient) };
      return { id, allowed: orInvalid(['ack'], lenient), check: (a) => (typeof a.payload?.expiresAt === 'number' ? undefined : 'auth ack without payload.expiresAt') };
    }
    case 'subscribe': {
      if (id === undefined || channel === undefined) return invalid;
      const since = sinceIsWellFormed(frame.payload);
      const allowedChannel = publicChannel(channel) || channel === `user:${ctx.userId}`;
      const lenient = since === 'bad';
      const check = (a: Frame) =>
        a.payload?.channel === channel && typeof a.payload.epoch === 'string' && typeof a.payload.offset === 'number' &&
        typeof a.payload.recovered === 'boolean' && Array.isArray(a.payload.publications)
          ? undefined
          : 'subscribe ack is not {channel,epoch,offset,recovered,publications}';
      return { id, allowed: orInvalid([allowedChannel ? 'ack' : 'error:FORBIDDEN'], lenient || extraFields(frame, ['id', 'channel', 'payload'])), check };
    }
    case 'unsubscribe': {
      if (id === undefined || channel === undefined) return invalid;
      const check = (a: Frame) => (a.payload?.channel === channel ? undefined : 'unsubscribe ack without payload.channel');
      return { id, allowed: orInvalid(['ack'], extraFields(frame, ['id', 'channel'])), check };
    }
    case 'publish': {
      if (id === undefined || channel === undefined || frame.payload === undefined) return invalid;
      const check = (a: Frame) =>
        typeof a.payload?.offset === 'number' && typeof a.payload.epoch === 'string' ? undefined : 'publish ack without offset and epoch';
      return { id, allowed: [publicChannel(channel) ? 'ack' : 'error:FORBIDDEN'], check };
    }
    default:
      // An application message; no schemas are registered, so none is known.
      if (id === undefined) return invalid;
      return { id, allowed: orInvalid(['error:UNKNOWN_TYPE'], frame.payload === undefined) };
  }
}
