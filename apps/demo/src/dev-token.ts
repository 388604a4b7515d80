import { channelOf, ROOMS } from './rooms.js';

/**
 * A token from the gateway's development route: subscribe to every room, publish to the
 * writable ones. The provider calls this before every connect, so each attempt after a
 * gateway restart gets a token signed with the new process's secret.
 */
export async function fetchDevToken(gateway: string, userId: string): Promise<string> {
  const response = await fetch(`${gateway}/dev/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      userId,
      channels: ['room:*'],
      publish: ROOMS.filter((room) => !room.readOnly).map(channelOf),
    }),
  });
  if (!response.ok) throw new Error(`POST /dev/token answered ${response.status}`);
  const { token } = (await response.json()) as { token: string };
  return token;
}
