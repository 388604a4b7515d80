import { Module } from '@nestjs/common';
import { provideSlice } from '../config/index.js';
import { DISCOVERY_SETTINGS } from './discovery-settings.js';
import { DiscoveryController } from './discovery.controller.js';

/** `GET /ws/config`, the discovery document. */
@Module({ controllers: [DiscoveryController], providers: [provideSlice(DISCOVERY_SETTINGS)] })
export class DiscoveryModule {}
