import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { CLOCK, type Clock } from '../clock/index.js';
import { GatewayHttpException } from '../http/index.js';
import { AUTH_SETTINGS, type AuthSettings } from './auth-settings.js';

const devTokenRequest = z
  .object({
    userId: z.string().min(1).max(128).default('dev-user'),
    ttlSeconds: z.number().int().min(1).max(86_400).default(3_600),
    channels: z.array(z.string().min(1)).optional(),
    publish: z.array(z.string().min(1)).optional(),
  })
  .strict();

/**
 * `POST /dev/token`: exists only in development mode (no JWT configuration), where it
 * signs tokens with the random secret of this process so the gateway can be tried at once.
 */
@Controller('dev')
export class DevTokenController {
  constructor(
    @Inject(AUTH_SETTINGS.token) private readonly config: AuthSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('token')
  @HttpCode(201)
  issue(@Body() body: unknown): { token: string; expiresAt: number } {
    const parsed = devTokenRequest.safeParse(body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new GatewayHttpException(400, 'BAD_REQUEST', `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const { userId, ttlSeconds, channels, publish } = parsed.data;
    const { secret, userClaim, issuer, audience } = this.config.jwt as { secret: string; userClaim: string; issuer?: string; audience?: string };
    const exp = Math.floor(this.clock.now() / 1000) + ttlSeconds;
    const claims = { [userClaim]: userId, exp, ...(channels ? { channels } : {}), ...(publish ? { publish } : {}) };
    const token = jwt.sign(claims, secret, {
      algorithm: 'HS256',
      ...(issuer ? { issuer } : {}),
      ...(audience ? { audience } : {}),
    });
    return { token, expiresAt: exp * 1000 };
  }
}
