import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG, defaultPort, parseOriginEntry, type GatewayConfig, type OriginEntry } from '../config/index.js';

/**
 * The origin allowlist of protocol §3, shared by the handshake and CORS. A request
 * without `Origin` is not from a browser and passes; it still needs credentials.
 */
@Injectable()
export class OriginPolicy {
  private readonly anyOrigin: boolean;
  private readonly entries: OriginEntry[];

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.anyOrigin = config.allowedOrigins.includes('*');
    this.entries = config.allowedOrigins
      .filter((entry) => entry !== '*')
      .map((entry) => parseOriginEntry(entry).entry)
      .filter((entry): entry is OriginEntry => entry !== undefined);
  }

  /** True for a missing origin and for one the allowlist names. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    if (this.anyOrigin) return true;
    const parsed = parseOrigin(origin);
    return parsed !== undefined && this.entries.some((entry) => matches(entry, parsed));
  }
}

function parseOrigin(origin: string): { scheme: string; host: string; port: string } | undefined {
  if (!URL.canParse(origin)) return undefined;
  const url = new URL(origin);
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  return { scheme, host: url.hostname.toLowerCase(), port: url.port || defaultPort(scheme) };
}

function matches(entry: OriginEntry, origin: { scheme: string; host: string; port: string }): boolean {
  if (entry.scheme !== origin.scheme || entry.port !== origin.port) return false;
  if (!entry.wildcard) return entry.host === origin.host;
  const suffix = `.${entry.host}`;
  if (!origin.host.endsWith(suffix)) return false;
  const label = origin.host.slice(0, -suffix.length);
  return label.length > 0 && !label.includes('.');
}
