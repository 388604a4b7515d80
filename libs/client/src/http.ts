import { errorCodeForStatus, isDiscoveryDocument, isTicketResponse, type DiscoveryDocument, type TicketResponse } from '@switchboard/protocol';
import { ClientErrorCode, SwitchboardError } from './errors.js';

/**
 * GET the discovery document (protocol §8); `signal` bounds it (the caller's timeout, or a close).
 * @throws {SwitchboardError} typed by status, NETWORK or INVALID_RESPONSE
 */
export async function fetchDiscovery(fetchImpl: typeof fetch, baseUrl: string, signal: AbortSignal): Promise<DiscoveryDocument> {
  const url = `${baseUrl}/ws/config`;
  const usable = (body: unknown): body is DiscoveryDocument =>
    isDiscoveryDocument(body) && isUrl(body.auth.ticketUrl, /^https?:$/) && isUrl(body.websocket.url, /^wss?:$/);
  return checked(url, await call(fetchImpl, url, { method: 'GET', signal }), usable);
}

/** POST for a single-use ticket with the JWT in a header, never in a URL. */
export async function fetchTicket(fetchImpl: typeof fetch, ticketUrl: string, token: string, signal: AbortSignal): Promise<TicketResponse> {
  const init = { method: 'POST', headers: { authorization: `Bearer ${token}` }, signal };
  const usable = (body: unknown): body is TicketResponse => isTicketResponse(body) && isUrl(body.url, /^wss?:$/);
  return checked(ticketUrl, await call(fetchImpl, ticketUrl, init), usable);
}

const isUrl = (value: string, scheme: RegExp): boolean => URL.canParse(value) && scheme.test(new URL(value).protocol);

/**
 * What a gateway answered, once it has the shape the client relies on: a ticket URL that
 * is not a WebSocket URL would make the socket's constructor throw where nothing catches.
 */
function checked<T>(url: string, body: unknown, isValid: (value: unknown) => value is T): T {
  if (isValid(body)) return body;
  throw new SwitchboardError(ClientErrorCode.INVALID_RESPONSE, `${url} answered with a body the client cannot use`, { recoverable: true });
}

async function call(fetchImpl: typeof fetch, url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(url, init);
  } catch (error) {
    throw new SwitchboardError(ClientErrorCode.NETWORK, `could not reach ${url}: ${(error as Error).message}`, { recoverable: true });
  }
  if (response.ok) return response.json().catch(() => undefined);
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
  const retryAfter = Number(response.headers.get('retry-after'));
  throw new SwitchboardError(
    body?.error?.code ?? errorCodeForStatus(response.status),
    body?.error?.message ?? `${url} answered ${response.status}`,
    {
      status: response.status,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
      recoverable: response.status >= 500 || response.status === 429,
    },
  );
}
