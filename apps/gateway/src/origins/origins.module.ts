import { Global, Module } from '@nestjs/common';
import { OriginGuard } from './origin.guard.js';
import { OriginPolicy } from './origin-policy.js';

/** The origin allowlist, for the handshake, CORS and the ticket route alike. */
@Global()
@Module({ providers: [OriginPolicy, OriginGuard], exports: [OriginPolicy, OriginGuard] })
export class OriginsModule {}
