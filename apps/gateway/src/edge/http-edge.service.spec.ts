import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import type { HttpAdapterHost } from '@nestjs/core';
import { PinoLogger } from 'nestjs-pino';
import { HttpEdge } from './http-edge.service.js';
import type { SwitchboardGateway } from './switchboard.gateway.js';

/** An upgrade request for `url` on a socket whose answer `written()` returns. */
function upgradeTo(url: string) {
  const socket = new PassThrough();
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { request: { url, headers: {} } as IncomingMessage, socket, written: () => text };
}

function edgeWith(handle: SwitchboardGateway['handle']) {
  const server = new EventEmitter();
  const adapterHost = { httpAdapter: { getHttpServer: () => server } } as unknown as HttpAdapterHost;
  const edge = new HttpEdge(adapterHost, { handle } as SwitchboardGateway, new PinoLogger({ pinoHttp: { level: 'silent' } }));
  edge.onApplicationBootstrap();
  const upgrade = (url: string) => {
    const call = upgradeTo(url);
    server.emit('upgrade', call.request, call.socket, Buffer.alloc(0));
    return call;
  };
  return { edge, upgrade };
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('HttpEdge', () => {
  it('hands /ws to the Switchboard upgrade with the parsed target', async () => {
    const targets: string[] = [];
    const { upgrade } = edgeWith(async (_request, _socket, _head, target) => void targets.push(target.search));
    upgrade('/ws?ticket=t');
    await settle();
    expect(targets).toEqual(['?ticket=t']);
  });

  it('answers a path no route takes 404 and a target that is no URL 400, as JSON', async () => {
    const { upgrade } = edgeWith(async () => undefined);
    const missing = upgrade('/elsewhere');
    const broken = upgrade('http://[/ws');
    await settle();
    expect(missing.written()).toMatch(/^HTTP\/1\.1 404 [^]*"code":"NOT_FOUND"/);
    expect(broken.written()).toMatch(/^HTTP\/1\.1 400 [^]*"code":"BAD_REQUEST"/);
  });

  it('serves a route added later, and answers 500 when a route fails, throwing nothing', async () => {
    const { edge, upgrade } = edgeWith(async () => undefined);
    edge.upgrades.add({ prefix: '/proxy' }, async () => {
      throw new Error('bug');
    });
    edge.upgrades.add({ path: '/sync' }, () => {
      throw new Error('bug before any await');
    });
    const failed = upgrade('/proxy/socket');
    const thrown = upgrade('/sync');
    await settle();
    expect(failed.written()).toMatch(/^HTTP\/1\.1 500 [^]*"code":"INTERNAL"/);
    expect(thrown.written()).toMatch(/^HTTP\/1\.1 500 [^]*"code":"INTERNAL"/);
  });
});
