import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/index.js';
import { LifecycleModule } from '../lifecycle/index.js';
import { HealthController } from './health.controller.js';

/** `GET /health` and `GET /ready`. */
@Module({ imports: [EngineModule, LifecycleModule], controllers: [HealthController] })
export class HealthModule {}
