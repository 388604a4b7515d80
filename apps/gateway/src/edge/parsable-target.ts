import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { HttpErrorBody } from '@switchboard/protocol';
import { requestTarget } from './request-target.js';

const UNPARSABLE: HttpErrorBody = { error: { code: 'BAD_REQUEST', message: 'the request target is not a valid URL' } };

/**
 * Wraps the server's request listener so that a request whose target is not a URL
 * (`GET http://[/health`) gets the JSON 400. It must sit in front of Express: Express's
 * router cannot parse such a target either, and answers it with an HTML page before any
 * middleware runs.
 */
export function withParsableTarget(listener: RequestListener): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    if (requestTarget(request)) return listener(request, response);
    const body = JSON.stringify(UNPARSABLE);
    response.writeHead(400, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    response.end(body);
  };
}
