import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
import jwksRsa from 'jwks-rsa';
import type { JwtHeader } from 'jsonwebtoken';
import type { JwtSettings } from '../config/index.js';
import { CredentialError } from './identity.js';

/** More keys than a JWKS rotation ever holds at once; past it the cache starts over. */
const MAX_PARSED_KEYS = 32;

/** Finds the key that verifies a token with this header: the secret, or a JWKS key by `kid`. */
export type KeyResolver = (header: JwtHeader) => Promise<KeyObject>;

/** One resolver for the ticket endpoint and the handshake, so both verify alike. */
export function createKeyResolver(jwt: JwtSettings): KeyResolver {
  if (jwt.mode !== 'jwks') {
    // A KeyObject built once: given a string, jsonwebtoken first tries to parse it as a
    // public key on every verification, which cost a third of a handshake's CPU.
    const secret = createSecretKey(Buffer.from(jwt.secret));
    return async () => secret;
  }
  const client = jwksRsa({
    jwksUri: jwt.jwksUrl,
    cache: true,
    cacheMaxAge: 10 * 60_000,
    rateLimit: true,
    jwksRequestsPerMinute: 10,
    timeout: 5_000,
  });
  // Parsed keys by PEM, for the same reason as the secret above; a JWKS holds a handful.
  const parsed = new Map<string, KeyObject>();
  return async (header) => {
    try {
      const pem = (await client.getSigningKey(header.kid)).getPublicKey();
      if (parsed.size > MAX_PARSED_KEYS) parsed.clear();
      const key = parsed.get(pem) ?? createPublicKey(pem);
      parsed.set(pem, key);
      return key;
    } catch (error) {
      throw new CredentialError(`no signing key for kid ${JSON.stringify(header.kid ?? null)}: ${(error as Error).message}`);
    }
  };
}
