import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/index.js';
import { provideSlice } from '../config/index.js';
import { DrainModule } from '../drain/index.js';
import { MetricsModule } from '../metrics/index.js';
import { SessionModule } from '../session/index.js';
import { EDGE_SETTINGS } from './edge-settings.js';
import { HttpEdge } from './http-edge.service.js';
import { SwitchboardUpgrade } from './switchboard-upgrade.service.js';

/** The HTTP server's edge: its `upgrade` routes, and the Switchboard WebSocket endpoint. */
@Module({
  imports: [AdmissionModule, DrainModule, MetricsModule, SessionModule],
  providers: [provideSlice(EDGE_SETTINGS), HttpEdge, SwitchboardUpgrade],
  exports: [HttpEdge],
})
export class EdgeModule {}
