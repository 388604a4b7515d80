import { Module } from '@nestjs/common';
import { provideSlice } from '../config/index.js';
import { ORIGIN_SETTINGS } from './origins-settings.js';
import { OriginGuard } from './origin.guard.js';
import { OriginPolicy } from './origin-policy.js';

/** The origin allowlist, for the handshake, CORS and the ticket route alike. */
@Module({ providers: [provideSlice(ORIGIN_SETTINGS), OriginPolicy, OriginGuard], exports: [OriginPolicy, OriginGuard] })
export class OriginsModule {}
