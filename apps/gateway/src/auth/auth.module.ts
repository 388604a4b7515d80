import { Module, type DynamicModule } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ClockModule } from '../clock/index.js';
import { DevTokenController } from './dev-token.controller.js';
import { JwtStrategy } from './jwt.strategy.js';
import { TicketController } from './ticket.controller.js';
import { TicketService } from './ticket.service.js';
import { TokenVerifier } from './token-verifier.service.js';

/** JWT verification, tickets, and in development mode the `/dev/token` route. */
@Module({})
export class AuthModule {
  static forRoot(options: { development: boolean }): DynamicModule {
    return {
      module: AuthModule,
      global: true,
      imports: [PassportModule, ClockModule],
      controllers: options.development ? [TicketController, DevTokenController] : [TicketController],
      providers: [TokenVerifier, JwtStrategy, TicketService],
      exports: [TokenVerifier, TicketService],
    };
  }
}
