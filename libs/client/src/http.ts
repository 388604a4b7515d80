import type { DiscoveryDocument, ErrorCode, TicketResponse } from '@switchboard/protocol';
import { ClientErrorCode, SwitchboardError } from './errors.js';

/** Codes for HTTP answers whose body carries none. */
const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

/** GET the discovery document (protocol §8). @throws {SwitchboardError} typed by status or NETWORK */
export async function fetchDiscovery(fetchImpl: typeof fetch, baseUrl: string, timeoutMs: number): Promise<DiscoveryDocument> {
  return (await call(fetchImpl, `${baseUrl}/ws/config`, { method: 'GET', signal: AbortSignal.timeout(timeoutMs) })) as DiscoveryDocument;
}

/** POST for a single-use ticket with the JWT in a header, never in a URL. */
export async function fetchTicket(fetchImpl: typeof fetch, ticketUrl: string, token: string, timeoutMs: number): Promise<TicketResponse> {
  const init = { method: 'POST', headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(timeoutMs) };
  return (await call(fetchImpl, ticketUrl, init)) as TicketResponse;
}

async function call(fetchImpl: typeof fetch, url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(url, init);
  } catch (error) {
    throw new SwitchboardError(ClientErrorCode.NETWORK, `could not reach ${url}: ${(error as Error).message}`, { recoverable: true });
  }
  if (response.ok) return response.json();
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new SwitchboardError(
    body?.error?.code ?? CODE_BY_STATUS[response.status] ?? (response.status >= 500 ? 'UNAVAILABLE' : 'BAD_REQUEST'),
    body?.error?.message ?? `${url} answered ${response.status}`,
    {
      status: response.status,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      recoverable: response.status >= 500 || response.status === 429,
    },
  );
}
