import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import jwt from 'jsonwebtoken';
import { ExtractJwt, Strategy, type SecretOrKeyProvider } from 'passport-jwt';
import { CredentialError, identityFromClaims, type Identity } from './identity.js';
import { TokenVerifier, verifyOptions } from './token-verifier.service.js';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';

/** `Authorization: Bearer <JWT>` for HTTP routes, verified exactly as the handshake verifies. */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(AUTH_SETTINGS.token) private readonly config: AuthSettings,
    verifier: TokenVerifier,
  ) {
    const secretOrKeyProvider: SecretOrKeyProvider = (_request, rawToken: string, done) => {
      const header = jwt.decode(rawToken, { complete: true })?.header;
      if (!header) return done(new UnauthorizedException('malformed token'));
      // passport-jwt hands the key to jsonwebtoken, which takes a KeyObject too.
      verifier.resolveKey(header).then((key) => done(null, key as unknown as Buffer), done);
    };
    const { algorithms, issuer, audience } = verifyOptions(config);
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      ignoreExpiration: false,
      algorithms,
      ...(typeof issuer === 'string' ? { issuer } : {}),
      ...(typeof audience === 'string' ? { audience } : {}),
      secretOrKeyProvider,
    });
  }

  validate(claims: Record<string, unknown>): Identity {
    try {
      return identityFromClaims(claims, this.config.jwt.userClaim);
    } catch (error) {
      if (error instanceof CredentialError) throw new UnauthorizedException(error.message);
      throw error;
    }
  }
}
