import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/index.js';
import { MetricsModule } from '../metrics/index.js';
import { SessionModule } from '../session/index.js';
import { HttpEdge } from './http-edge.service.js';
import { SwitchboardGateway } from './switchboard.gateway.js';

/** The HTTP server's edge: its `upgrade` routes, and the Switchboard WebSocket endpoint. */
@Module({
  imports: [AdmissionModule, MetricsModule, SessionModule],
  providers: [HttpEdge, SwitchboardGateway],
  exports: [HttpEdge],
})
export class EdgeModule {}
