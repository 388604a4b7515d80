import { Module } from '@nestjs/common';
import { ConnectionsModule } from '../connections/index.js';
import { DrainModule } from '../drain/index.js';
import { EngineModule } from '../engine/index.js';
import { NodeCommandsService } from './node-commands.service.js';

/** Serves the node bus for this node; above connections and drain, so neither depends on the other. */
@Module({ imports: [ConnectionsModule, DrainModule, EngineModule], providers: [NodeCommandsService] })
export class NodeCommandsModule {}
