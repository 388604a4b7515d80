import { Inject, Injectable } from '@nestjs/common';
import { defaultPort, parseOriginEntry, type OriginEntry } from '../config/index.js';
import { ORIGIN_SETTINGS, type OriginsSettings } from './origins-settings.js';

/**
 * The origin allowlist of protocol §3, shared by the handshake and CORS. A request
 * without `Origin` is not from a browser and passes; it still needs credentials.
 */
@Injectable()
export class OriginPolicy {
  private readonly anyOrigin: boolean;
  private readonly entries: OriginEntry[];

  constructor(@Inject(ORIGIN_SETTINGS.token) config: OriginsSettings) {
    this.anyOrigin = config.allowedOrigins.includes('*');
    this.entries = config.allowedOrigins
      .filter((entry) => entry !== '*')
      .map((entry) => parseOriginEntry(entry).entry)
      .filter((entry): entry is OriginEntry => entry !== undefined);
  }

  /**
   * True for a missing origin and for one the allowlist names. Anything that is not a
   * serialized origin is refused, even under `*`, so CORS never reflects it; `*` also takes
   * `null`, the opaque origin of a page opened from a file.
   */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    if (origin === 'null') return this.anyOrigin;
    const parsed = parseOrigin(origin);
    if (parsed === undefined) return false;
    return this.anyOrigin || this.entries.some((entry) => matches(entry, parsed));
  }
}

/**
 * An origin as browsers serialize it: `scheme://host[:port]` and nothing else. `new URL()`
 * would accept userinfo, a path, a query, backslashes, percent-encoding or a `*` label and
 * quietly normalize them away, so the shape is checked on the string itself.
 */
const SERIALIZED_ORIGIN = /^(https?):\/\/([a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::(\d{1,5}))?$/i;

function parseOrigin(origin: string): { scheme: string; host: string; port: string } | undefined {
  const match = SERIALIZED_ORIGIN.exec(origin);
  if (!match) return undefined;
  const [, scheme, host, port] = match;
  if (port !== undefined && Number(port) > 65_535) return undefined;
  const lower = scheme.toLowerCase();
  return { scheme: lower, host: host.toLowerCase(), port: port ?? defaultPort(lower) };
}

function matches(entry: OriginEntry, origin: { scheme: string; host: string; port: string }): boolean {
  if (entry.scheme !== origin.scheme || entry.port !== origin.port) return false;
  if (!entry.wildcard) return entry.host === origin.host;
  const suffix = `.${entry.host}`;
  if (!origin.host.endsWith(suffix)) return false;
  const label = origin.host.slice(0, -suffix.length);
  return label.length > 0 && !label.includes('.');
}
