import type { RunningGateway } from './gateway-process.js';
import { connect } from './test-socket.js';
import { signToken } from './tokens.js';

/**
 * Fails unless the gateway process is still up and serves a clean client end to end:
 * `/health` answers 200, and a fresh Bearer connection gets its welcome and a pong.
 * Every security test ends with it. The gateway must verify {@link signToken}'s tokens.
 */
export async function expectServing(gateway: RunningGateway, userId = 'canary'): Promise<void> {
  expect(gateway.child.exitCode).toBeNull();
  const health = await fetch(gateway.http('/health'));
  expect(health.status).toBe(200);
  const token = await signToken(userId);
  const { client, welcome } = await connect(gateway.ws(), { headers: { authorization: `Bearer ${token}` } });
  expect(welcome.type).toBe('welcome');
  const pong = await client.request({ type: 'ping', id: 'serving-check' });
  expect(pong.type).toBe('pong');
  await client.close();
}
