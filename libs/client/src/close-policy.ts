import { CLOSE_REACTIONS, type CloseReaction } from '@switchboard/protocol';
import type { FailureReason } from './state.js';

/** What the client does after a connection or an attempt ends. */
export type CloseAction =
  /** Stop as `client.close()` does (state `closed`). */
  | { kind: 'close' }
  /** Stop for good (state `failed`). */
  | { kind: 'fail'; reason: FailureReason }
  /** Reconnect at once with a fresh `getToken()`, unless credentials failed too often in a row. */
  | { kind: 'refresh-credential' }
  /** Reconnect after a delay of this kind. */
  | { kind: 'reconnect'; delay: 'jitter' | 'backoff' | 'server' };

/** Why a `stop` close code stops the client: 4008 is an eviction by a newer connection, 4003 (and any other) a refusal. */
const STOP_REASONS: ReadonlyMap<number, FailureReason> = new Map([[4008, 'evicted']]);

/** Each reaction of protocol §7 as the client's action (`stop` takes its reason from the code). */
const ACTIONS: Readonly<Record<Exclude<CloseReaction, 'stop'>, CloseAction>> = {
  none: { kind: 'close' },
  reconnect: { kind: 'reconnect', delay: 'jitter' },
  'reconnect-with-backoff': { kind: 'reconnect', delay: 'backoff' },
  'reconnect-after-server-delay': { kind: 'reconnect', delay: 'server' },
  'refresh-credential': { kind: 'refresh-credential' },
};

const BACKOFF: CloseAction = ACTIONS['reconnect-with-backoff'];

/** `CLOSE_REACTIONS` keyed by number: a code off the wire never reaches an object's prototype. */
const REACTIONS: ReadonlyMap<number, CloseReaction> = new Map(Object.entries(CLOSE_REACTIONS).map(([code, reaction]) => [Number(code), reaction]));

/**
 * What to do after a close, by code (`CLOSE_REACTIONS`, protocol §7); a pure function of
 * its arguments. Only a close the gateway sent (`fromServer`) carries its word: one the
 * transport made up (a refused or abandoned handshake, a network error) is a failed attempt,
 * whatever code it shows, and so is any code the protocol does not list.
 */
export function closeAction(code: number, fromServer: boolean): CloseAction {
  if (!fromServer) return BACKOFF;
  const reaction = REACTIONS.get(code);
  if (reaction === undefined) return BACKOFF;
  if (reaction === 'stop') return { kind: 'fail', reason: STOP_REASONS.get(code) ?? 'forbidden' };
  return ACTIONS[reaction];
}
