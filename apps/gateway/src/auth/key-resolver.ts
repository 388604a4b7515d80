import { createSecretKey, type KeyObject } from 'node:crypto';
import type { JwtHeader } from 'jsonwebtoken';
import type { Clock } from '../clock/index.js';
import type { JwtSettings } from '../config/index.js';
import { JwksKeySet } from './jwks-key-set.js';

/**
 * Finds the key that verifies a token with this header: the secret, or a JWKS key by `kid`.
 * Rejects only with a `CredentialError` whose message may be shown to the client.
 */
export type KeyResolver = (header: JwtHeader) => Promise<KeyObject>;

/** A {@link KeyResolver} and the disposer of whatever it keeps running. */
export interface KeySource {
  resolveKey: KeyResolver;
  close(): void;
}

/**
 * One resolver for the ticket endpoint and the handshake, so both verify alike. With a
 * JWKS URL the first fetch starts at once but is not awaited: a JWKS server that is down
 * delays no startup, and tokens wait for that fetch rather than fail while it runs.
 */
export function createKeyResolver(jwt: JwtSettings, clock: Clock, onFetchFailed?: (reason: string) => void): KeySource {
  if (jwt.mode !== 'jwks') {
    // A KeyObject built once: given a string, jsonwebtoken first tries to parse it as a
    // public key on every verification, which cost a third of a handshake's CPU.
    const secret = createSecretKey(Buffer.from(jwt.secret));
    return { resolveKey: async () => secret, close: () => undefined };
  }
  const every = (ms: number, task: () => void) => {
    const timer = clock.setInterval(task, ms).unref();
    return () => clock.clearInterval(timer);
  };
  const environment = { now: () => clock.now(), every };
  const keys = new JwksKeySet({ url: jwt.jwksUrl, refreshMs: jwt.refreshMs, cooldownMs: jwt.cooldownMs, onFetchFailed, environment });
  keys.start();
  return { resolveKey: (header) => keys.find(header.kid), close: () => keys.close() };
}
