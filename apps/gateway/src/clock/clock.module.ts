import { Module } from '@nestjs/common';
import { CLOCK, systemClock } from './clock.js';

/** Provides the {@link Clock}; a test module overrides `CLOCK` with a `ManualClock`. */
@Module({ providers: [{ provide: CLOCK, useValue: systemClock }], exports: [CLOCK] })
export class ClockModule {}
