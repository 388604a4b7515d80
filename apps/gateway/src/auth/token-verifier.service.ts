import { Inject, Injectable } from '@nestjs/common';
import jwt, { type Algorithm, type VerifyOptions } from 'jsonwebtoken';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/index.js';
import { CredentialError, identityFromClaims, type Identity } from './identity.js';
import { createKeyResolver, type KeyResolver } from './key-resolver.js';

/** The jsonwebtoken options the ticket endpoint and the handshake share. */
export function verifyOptions(config: GatewayConfig): VerifyOptions & { algorithms: Algorithm[] } {
  return {
    algorithms: config.jwt.algorithms as Algorithm[],
    ...(config.jwt.issuer ? { issuer: config.jwt.issuer } : {}),
    ...(config.jwt.audience ? { audience: config.jwt.audience } : {}),
  };
}

/**
 * Verifies JWTs for the handshake and the in-band `auth` frame, with the same key
 * resolver and options as the passport strategy that guards `POST /ws/ticket`.
 */
@Injectable()
export class TokenVerifier {
  readonly resolveKey: KeyResolver;
  private readonly options: VerifyOptions & { algorithms: Algorithm[] };

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {
    this.resolveKey = createKeyResolver(config.jwt);
    this.options = verifyOptions(config);
  }

  /** @throws {CredentialError} for any token that does not prove an unexpired identity. */
  async verify(token: string): Promise<Identity> {
    const claims = await new Promise<Record<string, unknown>>((resolve, reject) => {
      jwt.verify(
        token,
        (header, callback) => this.resolveKey(header).then((key) => callback(null, key), callback),
        this.options,
        (error, decoded) => {
          if (error) reject(new CredentialError(error.message));
          else if (typeof decoded !== 'object' || decoded === null) reject(new CredentialError('token has no claims'));
          else resolve(decoded as Record<string, unknown>);
        },
      );
    });
    return identityFromClaims(claims, this.config.jwt.userClaim);
  }
}
