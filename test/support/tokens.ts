import { SignJWT } from 'jose';
import type { RunningGateway } from './gateway-process.js';

/** The HS256 secret test gateways are configured with. */
export const TEST_SECRET = 'switchboard-test-secret-0123456789abcdef';

/** Environment of a gateway that verifies HS256 tokens signed with {@link TEST_SECRET}. */
export const SECRET_ENV = { JWT_SECRET: TEST_SECRET } as const;

/** Signs an HS256 token for `sub`, expiring in `expiresIn` seconds unless claims say otherwise. */
export async function signToken(sub: string, claims: Record<string, unknown> = {}, expiresIn = 3600): Promise<string> {
  return new SignJWT({ sub, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
    .sign(new TextEncoder().encode(TEST_SECRET));
}

/** Trades a token for a ticket; throws unless the gateway answers 201. */
export async function issueTicket(gateway: RunningGateway, token: string): Promise<{ ticket: string; expiresAt: number; url: string }> {
  const response = await fetch(gateway.http('/ws/ticket'), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 201) throw new Error(`ticket refused: ${response.status} ${await response.text()}`);
  return response.json();
}

/** The WebSocket URL for a fresh ticket of `sub`. */
export async function ticketUrl(gateway: RunningGateway, sub: string, claims: Record<string, unknown> = {}): Promise<string> {
  return (await issueTicket(gateway, await signToken(sub, claims))).url;
}
