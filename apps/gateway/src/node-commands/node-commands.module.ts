import { Module } from '@nestjs/common';
import { DrainModule } from '../drain/index.js';
import { NodeCommandsService } from './node-commands.service.js';

/** Serves the node bus for this node; above connections and drain, so neither depends on the other. */
@Module({ imports: [DrainModule], providers: [NodeCommandsService] })
export class NodeCommandsModule {}
