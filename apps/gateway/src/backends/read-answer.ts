import type { Json } from '@switchboard/protocol';
import type { Dispatcher } from 'undici';
import type { BackendOutcome } from './backend-bridge.js';
import { BackendFailure, type FailedOutcome } from './backend-failure.js';

/** Most bytes read from one answer, so that a misbehaving backend cannot exhaust memory. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** Codes a backend may choose; the same shape as the protocol's own. */
const ERROR_CODE = /^[A-Z0-9_]{1,64}$/;

/** What clients read when the backend failed; details go to the log, not to clients. */
export const UNAVAILABLE_MESSAGE = 'the backend is unavailable; try again later';

/**
 * Turns the backend's HTTP answer into an outcome (see docs/backends.md, "Answers"):
 * 2xx is the reply; anything else throws a {@link BackendFailure}. The body is always
 * consumed or destroyed, so the connection returns to the pool.
 */
/** `now` is the time a `Retry-After` date is measured from. */
export async function readAnswer({ statusCode: status, headers, body }: Dispatcher.ResponseData, now: number): Promise<BackendOutcome> {
  if (status >= 200 && status < 300) {
    const text = await readText(body);
    if (text === undefined) throw unavailable(`answer over ${MAX_ANSWER_BYTES} bytes`, status);
    if (text.trim() === '') return { ok: true };
    const reply = parseJson(text);
    if (reply === undefined) throw unavailable('2xx answer that is not JSON', status);
    return { ok: true, reply: reply.value };
  }
  if (status >= 400 && status < 500) throw rejection(status, headers, await readText(body), now);
  await body.dump();
  throw unavailable(`HTTP ${status}`, status, retryAfter(headers, now));
}

function rejection(status: number, headers: Dispatcher.ResponseData['headers'], text: string | undefined, now: number): BackendFailure {
  const error = text === undefined ? undefined : errorBody(text);
  if (error) return new BackendFailure('rejected', error, `HTTP ${status} ${error.code}`, { status, code: error.code });
  if (status === 429) {
    const outcome: FailedOutcome = { ok: false, code: 'RATE_LIMITED', message: 'the backend is busy; try again later', ...retryAfter(headers, now) };
    return new BackendFailure('rejected', outcome, 'HTTP 429 without an error body', { status });
  }
  // Not the documented error shape: the backend refused the message, and sending the same
  // one again will not change that, hence a code the protocol marks as not recoverable.
  const outcome: FailedOutcome = {
    ok: false,
    code: 'BAD_REQUEST',
    message: `the backend refused the message (HTTP ${status})`,
    details: { status },
  };
  return new BackendFailure('rejected', outcome, `HTTP ${status} without an error body`, { status });
}

/** `{"error":{"code","message","details"?}}`, or undefined when the body is not that. */
function errorBody(text: string): FailedOutcome | undefined {
  const parsed = parseJson(text)?.value;
  const error = isObject(parsed) ? parsed.error : undefined;
  if (!isObject(error) || typeof error.code !== 'string' || typeof error.message !== 'string') return undefined;
  if (!ERROR_CODE.test(error.code)) return undefined;
  return {
    ok: false,
    code: error.code,
    message: error.message,
    ...(error.details === undefined ? {} : { details: error.details }),
  };
}

function unavailable(reason: string, status: number, extra: { retryAfterMs?: number } = {}): BackendFailure {
  return new BackendFailure('unavailable', { ok: false, code: 'BACKEND_UNAVAILABLE', message: UNAVAILABLE_MESSAGE, ...extra }, reason, { status });
}

/** `Retry-After` in seconds or as an HTTP date, when it lies in the future. */
function retryAfter(headers: Dispatcher.ResponseData['headers'], now: number): { retryAfterMs?: number } {
  const value = headers['retry-after'];
  if (typeof value !== 'string') return {};
  const ms = /^\d+$/.test(value.trim()) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isFinite(ms) && ms > 0 ? { retryAfterMs: ms } : {};
}

/** The body as UTF-8, or undefined (and the stream destroyed) past {@link MAX_ANSWER_BYTES}. */
async function readText(body: Dispatcher.ResponseData['body']): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ANSWER_BYTES) {
      body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Wrapped, because `null` is a valid reply and must not read as "not JSON". */
function parseJson(text: string): { value: Json } | undefined {
  try {
    return { value: JSON.parse(text) as Json };
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, Json | undefined> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
