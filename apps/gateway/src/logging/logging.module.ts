import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { GatewayConfig } from '../config/index.js';
import { loggerParams } from './logger-params.js';

@Module({})
export class LoggingModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return { module: LoggingModule, imports: [LoggerModule.forRoot(loggerParams(config))], exports: [LoggerModule] };
  }
}
