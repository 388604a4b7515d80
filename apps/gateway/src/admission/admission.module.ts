import { Module } from '@nestjs/common';
import { AdmissionService } from './admission.service.js';

/** The checks a handshake passes before the upgrade. */
@Module({ providers: [AdmissionService], exports: [AdmissionService] })
export class AdmissionModule {}
