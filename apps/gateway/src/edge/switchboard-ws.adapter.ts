import type { INestApplicationContext } from '@nestjs/common';
import { AbstractWsAdapter } from '@nestjs/websockets';
import { SUBPROTOCOL } from '@switchboard/protocol';
import { WebSocketServer } from 'ws';

/**
 * Nest's WebSocket adapter, shrunk to what Nest is for here: it creates the gateway's
 * `noServer` WebSocketServer, and closes it at shutdown, after the drain (a
 * `beforeApplicationShutdown` hook) and before the HTTP server, which waits for every
 * upgraded socket. The `upgrade` event belongs to {@link HttpEdge}, frames to the session's
 * pipeline, so no `{event,data}` dispatch is bound.
 */
export class SwitchboardWsAdapter extends AbstractWsAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly maxMessageBytes: number,
  ) {
    super(app);
  }

  create(): WebSocketServer {
    return new WebSocketServer({
      noServer: true,
      maxPayload: this.maxMessageBytes,
      perMessageDeflate: false,
      handleProtocols: (offered) => (offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
  }

  bindMessageHandlers(): void {
    // Frames take the session's pipeline (session/frame-pipeline.ts), not Nest's dispatch.
  }

  override async close(server: WebSocketServer): Promise<void> {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  }
}
