import type { ReactNode } from 'react';
import { SwitchboardProvider } from '@switchboard/react';
import { FrameLog } from '../support/sdk.js';
import { signToken } from '../support/tokens.js';

/** A test user subscribes to any `room:*` but publishes only to `room:pub-*`. */
export const ROOM_CLAIMS = { channels: ['room:*'], publish: ['room:pub-*'] };

/**
 * A provider for `user` against a real gateway at `url`, recording its sockets in `log`,
 * with quick backoff so reconnect tests do not wait on the defaults.
 */
export function provider(url: string, user: string, log = new FrameLog(), claims: Record<string, unknown> = ROOM_CLAIMS) {
  const getToken = () => signToken(user, claims);
  const options = { WebSocket: log.WebSocket, backoff: { initialMs: 20, factor: 2, maxMs: 200 } };
  const Wrapper = ({ children }: { children?: ReactNode }) => (
    <SwitchboardProvider url={url} getToken={getToken} options={options}>
      {children}
    </SwitchboardProvider>
  );
  return { log, Wrapper };
}
