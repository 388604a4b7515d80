import { Module } from '@nestjs/common';
import { DrainService } from './drain.service.js';

@Module({ providers: [DrainService], exports: [DrainService] })
export class DrainModule {}
