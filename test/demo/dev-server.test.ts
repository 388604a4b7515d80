import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { fetchDevToken } from '../../apps/demo/src/dev-token.js';
import { freePort } from '../support/free-port.js';
import { useGateway } from '../support/gateway-resource.js';
import { closeClients, reach, sdkClient } from '../support/sdk.js';

const DEMO_ROOT = fileURLToPath(new URL('../../apps/demo/', import.meta.url));
const VITE = fileURLToPath(new URL('../../node_modules/vite/bin/vite.js', import.meta.url));

/** Runs `vite` in apps/demo as `npm run dev` does, and resolves once it says it is ready. */
async function startDevServer(port: number, gateway: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [VITE, '--port', String(port), '--strictPort', '--host', '127.0.0.1'], {
    cwd: DEMO_ROOT,
    env: { ...process.env, GATEWAY_URL: gateway, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(`127.0.0.1:${port}`)) resolve();
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.once('exit', (code) => reject(new Error(`vite exited with ${code}: ${output}`)));
  });
  return child;
}

describe('the demo on the Vite dev server (npm run dev -w @switchboard/demo)', () => {
  let vite: ChildProcess;
  let base: string;

  // Above useGateway, so that clients and Vite go before the gateway does.
  afterAll(async () => {
    closeClients();
    if (vite && vite.exitCode === null) {
      vite.kill();
      await once(vite, 'exit');
    }
  });
  const gw = useGateway({});
  beforeAll(async () => {
    const port = await freePort();
    vite = await startDevServer(port, gw.http(''));
    base = `http://127.0.0.1:${port}`;
  });

  it('serves the app from its sources', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<script type="module" src="/src/main.tsx"></script>');
  });

  it("proxies the gateway's routes, so discovery names the dev server's origin", async () => {
    const response = await fetch(`${base}/ws/config`);
    expect(response.status).toBe(200);
    const discovery = (await response.json()) as { websocket: { url: string }; auth: { ticketUrl: string } };
    expect(discovery.websocket.url).toBe(`${base.replace('http', 'ws')}/ws`);
    expect(discovery.auth.ticketUrl).toBe(`${base}/ws/ticket`);
  });

  it("carries the demo's session through the proxy: its dev token, ticket, WebSocket, publish and delivery", async () => {
    const client = sdkClient(base, 'unused', {}, { getToken: () => fetchDevToken(base, 'vite-user') });
    await reach(client, 'open');
    const received = new Promise((resolve) => client.subscribe('room:general', (message) => resolve(message.payload)));
    await client.publish('room:general', { text: 'through the dev server' });
    expect(await received).toEqual({ text: 'through the dev server' });
  });
});
