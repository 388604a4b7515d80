import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/index.js';
import { ClockModule } from '../clock/index.js';
import { provideSlice } from '../config/index.js';
import { ConnectionsModule } from '../connections/index.js';
import { EngineModule } from '../engine/index.js';
import { LifecycleModule } from '../lifecycle/index.js';
import { OriginsModule } from '../origins/index.js';
import { ADMISSION_SETTINGS } from './admission-settings.js';
import { AdmissionService } from './admission.service.js';

/** The checks a handshake passes before the upgrade. */
@Module({
  imports: [AuthModule, ClockModule, ConnectionsModule, EngineModule, LifecycleModule, OriginsModule],
  providers: [provideSlice(ADMISSION_SETTINGS), AdmissionService],
  exports: [AdmissionService],
})
export class AdmissionModule {}
