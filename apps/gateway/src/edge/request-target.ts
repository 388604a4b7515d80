import type { IncomingMessage } from 'node:http';

/** Stands in for the origin of an origin-form target (`/ws?ticket=…`); only path and query are read. */
const ORIGIN_FORM_BASE = 'http://gateway';

/**
 * The request's target as a URL, or undefined when it cannot be parsed. Node hands the
 * target over as sent, so an absolute form with a broken authority (`http://[/ws`) reaches
 * us, and `new URL()` would throw out of whichever listener tried it.
 */
export function requestTarget(request: IncomingMessage): URL | undefined {
  const target = request.url ?? '/';
  // Origin-form is taken as a path even when it starts with `//`, as Express routes it.
  const absolute = target.startsWith('/') ? ORIGIN_FORM_BASE + target : target;
  return URL.canParse(absolute) ? new URL(absolute) : undefined;
}
