import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import jwt, { type Algorithm, type GetPublicKeyOrSecret, type VerifyOptions } from 'jsonwebtoken';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { CLOCK, type Clock } from '../clock/index.js';
import { CredentialError, identityFromClaims, type Identity } from './identity.js';
import { createKeyResolver, type KeyResolver } from './key-resolver.js';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';

/** The jsonwebtoken options the ticket endpoint and the handshake share. */
export function verifyOptions(config: AuthSettings): VerifyOptions & { algorithms: Algorithm[] } {
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
export class TokenVerifier implements OnModuleDestroy {
  readonly resolveKey: KeyResolver;
  private readonly closeKeys: () => void;
  private readonly options: VerifyOptions & { algorithms: Algorithm[] };

  constructor(
    @Inject(AUTH_SETTINGS.token) private readonly config: AuthSettings,
    @Inject(CLOCK) private readonly clock: Clock,
    @InjectPinoLogger('jwt') log: PinoLogger,
  ) {
    const keys = createKeyResolver(config.jwt, clock, (reason) =>
      log.warn({ reason }, 'JWKS fetch failed; the keys already known stay in use'),
    );
    this.resolveKey = keys.resolveKey;
    this.closeKeys = keys.close;
    this.options = verifyOptions(config);
  }

  /** @throws {CredentialError} for any token that does not prove an unexpired identity. */
  async verify(token: string): Promise<Identity> {
    // jsonwebtoken rewraps a key callback's error as "error in secret or public key callback: …";
    // the resolver's own error is the one written for the client.
    let keyError: unknown;
    const resolveKey: GetPublicKeyOrSecret = (header, callback) => {
      void this.resolveKey(header).then(
        (key) => callback(null, key),
        (error: unknown) => {
          keyError = error;
          callback(error as Error);
        },
      );
    };
    const claims = await new Promise<Record<string, unknown>>((resolve, reject) => {
      const options = { ...this.options, clockTimestamp: Math.floor(this.clock.now() / 1000) };
      jwt.verify(token, resolveKey, options, (error, decoded) => {
        if (keyError) reject(keyError);
        else if (error) reject(new CredentialError(clientMessage(error.message)));
        else if (typeof decoded !== 'object' || decoded === null) reject(new CredentialError('token has no claims'));
        else resolve(decoded as Record<string, unknown>);
      });
    });
    return identityFromClaims(claims, this.config.jwt.userClaim);
  }

  onModuleDestroy(): void {
    this.closeKeys();
  }
}

/**
 * jsonwebtoken's message without what it adds about the configuration: `jwt issuer invalid.
 * expected: https://id.internal` would tell anyone the issuer and audience the gateway wants.
 */
function clientMessage(message: string): string {
  return message.replace(/\. expected: .*$/s, '');
}
