import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** Whether the gateway sits behind proxies it trusts, and how many of them. */
export interface ProxyTrust {
  trustProxy: boolean;
  trustProxyHops: number;
}

/**
 * The client's IP: the socket's peer, or behind `trustProxyHops` trusted proxies the
 * address that many hops from the right of `X-Forwarded-For`. Each proxy appends the
 * address it saw, so entries further left are whatever the client wrote and prove nothing.
 */
export function clientAddress(request: IncomingMessage, trust: ProxyTrust): string {
  const peer = request.socket.remoteAddress ?? 'unknown';
  if (!trust.trustProxy) return peer;
  const header = request.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  const chain = [...hops, peer];
  const chosen = chain[Math.max(0, chain.length - 1 - trust.trustProxyHops)];
  return isIP(chosen) ? chosen : peer;
}
