import type { IncomingMessage } from 'node:http';
import { WS_PATH } from '@switchboard/protocol';
import type { GatewayConfig } from '../config/index.js';

/** The gateway's absolute URLs: from `PUBLIC_URL`, or else from the request (protocol §8). */
export interface PublicUrls {
  http: string;
  ws: string;
  /**
   * True when they were built from the request's headers: then they are that request's
   * answer alone, and no shared cache may hand them to anyone else.
   */
  fromRequest: boolean;
}

/** A host with an optional port, as `Host` carries it: nothing that could add a path or userinfo. */
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The settings public URLs are built from. */
export type PublicUrlSettings = Pick<GatewayConfig, 'publicUrl' | 'trustProxy' | 'port'>;

export function publicUrls(config: PublicUrlSettings, request: IncomingMessage): PublicUrls {
  const http = config.publicUrl ?? fromRequest(config, request);
  return { http, ws: http.replace(/^http/, 'ws') + WS_PATH, fromRequest: config.publicUrl === undefined };
}

function fromRequest(config: PublicUrlSettings, request: IncomingMessage): string {
  const forwarded = config.trustProxy ? firstValue(request.headers['x-forwarded-proto']) : undefined;
  const encrypted = (request.socket as { encrypted?: boolean }).encrypted === true;
  const scheme = forwarded === 'https' || forwarded === 'http' ? forwarded : encrypted ? 'https' : 'http';
  const candidates = [config.trustProxy ? firstValue(request.headers['x-forwarded-host']) : undefined, request.headers.host];
  const host = candidates.find((candidate) => candidate !== undefined && HOST.test(candidate));
  return `${scheme}://${host ?? `localhost:${config.port}`}`;
}

function firstValue(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value?.split(',')[0]?.trim() || undefined;
}
