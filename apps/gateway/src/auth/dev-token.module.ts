import { Module } from '@nestjs/common';
import { ClockModule } from '../clock/index.js';
import { provideSlice } from '../config/index.js';
import { AUTH_SETTINGS } from './auth-settings.js';
import { DevTokenController } from './dev-token.controller.js';

/** `POST /dev/token`; the app module imports it in development mode only. */
@Module({ imports: [ClockModule], controllers: [DevTokenController], providers: [provideSlice(AUTH_SETTINGS)] })
export class DevTokenModule {}
