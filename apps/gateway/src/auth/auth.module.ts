import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ClockModule } from '../clock/index.js';
import { provideSlice } from '../config/index.js';
import { EngineModule } from '../engine/index.js';
import { OriginsModule } from '../origins/index.js';
import { AUTH_SETTINGS } from './auth-settings.js';
import { JwtStrategy } from './jwt.strategy.js';
import { TicketController } from './ticket.controller.js';
import { TicketService } from './ticket.service.js';
import { TokenVerifier } from './token-verifier.service.js';

/** JWT verification and tickets (`POST /ws/ticket`). */
@Module({
  imports: [ClockModule, EngineModule, OriginsModule, PassportModule],
  controllers: [TicketController],
  providers: [provideSlice(AUTH_SETTINGS), TokenVerifier, JwtStrategy, TicketService],
  exports: [TokenVerifier, TicketService],
})
export class AuthModule {}
