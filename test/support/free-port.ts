import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';

/** A port nobody listens on right now, so a server can start after a client knows its URL. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}
