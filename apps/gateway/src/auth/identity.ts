/** Who is on the other end, as proven by a JWT or a ticket. */
export interface Identity {
  userId: string;
  claims: Record<string, unknown>;
  /** ms since epoch when the credential expires; the connection is closed 4001 then. */
  expiresAt: number;
}

/** A credential that does not prove an identity; always answered 401 / `UNAUTHORIZED`. */
export class CredentialError extends Error {
  override readonly name = 'CredentialError';
}

/**
 * Turns verified JWT claims into an {@link Identity}.
 * @throws {CredentialError} when `exp` or the user claim is missing.
 */
export function identityFromClaims(claims: Record<string, unknown>, userClaim: string): Identity {
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) {
    throw new CredentialError('token has no exp claim');
  }
  const userId = Object.hasOwn(claims, userClaim) ? claims[userClaim] : undefined;
  if (typeof userId !== 'string' || userId === '') {
    throw new CredentialError(`token has no "${userClaim}" claim`);
  }
  return { userId, claims, expiresAt: claims.exp * 1000 };
}
