import type { ClientState, FailureReason } from '@switchboard/client';
import { useWebSocket } from '@switchboard/react';
import { ReconnectCountdown } from './reconnect-countdown.js';
import { useOnlineStatus } from './use-online-status.js';

type BannerState = 'connected' | 'connecting' | 'reconnecting' | 'offline' | 'failed' | 'closed';

const FAILURES: Record<FailureReason, string> = {
  unauthorized: 'The gateway refused your credentials. Sign out and in again.',
  forbidden: 'The gateway refused this connection (forbidden).',
  evicted: 'A newer connection of the same user took over. Sign out and in again to come back.',
};

function bannerState(status: ClientState, online: boolean): BannerState {
  if (status === 'failed' || status === 'closed') return status;
  // The browser knows it is offline before the socket notices; the client waits for the network either way.
  if (!online) return 'offline';
  if (status === 'open') return 'connected';
  // `idle` is the instant before the provider's effect connects.
  return status === 'reconnecting' ? 'reconnecting' : 'connecting';
}

export function ConnectionBanner() {
  const { status, reason, retryAt, error } = useWebSocket();
  const state = bannerState(status, useOnlineStatus());
  return (
    <div className="connection-banner" data-testid="connection-banner" data-state={state} role="status">
      <span className="label">
        {state === 'connected' && 'Connected'}
        {state === 'connecting' && 'Connecting…'}
        {state === 'reconnecting' && <ReconnectCountdown retryAt={retryAt} />}
        {state === 'offline' && 'You are offline: messages wait until the network is back.'}
        {state === 'failed' && (reason ? FAILURES[reason] : 'The connection failed.')}
        {state === 'closed' && 'Disconnected.'}
      </span>
      {error && (
        <small className="last-error" data-testid="last-error">
          {error.code}: {error.message}
        </small>
      )}
    </div>
  );
}
