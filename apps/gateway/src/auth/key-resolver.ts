import jwksRsa from 'jwks-rsa';
import type { JwtHeader } from 'jsonwebtoken';
import type { JwtSettings } from '../config/index.js';
import { CredentialError } from './identity.js';

/** Finds the key that verifies a token with this header: the secret, or a JWKS key by `kid`. */
export type KeyResolver = (header: JwtHeader) => Promise<string>;

/** One resolver for the ticket endpoint and the handshake, so both verify alike. */
export function createKeyResolver(jwt: JwtSettings): KeyResolver {
  if (jwt.mode !== 'jwks') {
    const secret = jwt.secret;
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
  return async (header) => {
    try {
      const key = await client.getSigningKey(header.kid);
      return key.getPublicKey();
    } catch (error) {
      throw new CredentialError(`no signing key for kid ${JSON.stringify(header.kid ?? null)}: ${(error as Error).message}`);
    }
  };
}
