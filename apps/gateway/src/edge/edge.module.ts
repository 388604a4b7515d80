import { Module } from '@nestjs/common';
import { AdmissionModule } from '../admission/index.js';
import { SessionModule } from '../session/index.js';
import { HttpEdge } from './http-edge.service.js';
import { SwitchboardUpgrade } from './switchboard-upgrade.service.js';

/** The HTTP server's edge: its `upgrade` routes, and the Switchboard WebSocket endpoint. */
@Module({
  imports: [AdmissionModule, SessionModule],
  providers: [HttpEdge, SwitchboardUpgrade],
  exports: [HttpEdge],
})
export class EdgeModule {}
