/** One allowlist entry, split so that matching needs no parsing. */
export interface OriginEntry {
  scheme: string;
  /** Host without the wildcard label, e.g. `example.com` for `https://*.example.com`. */
  host: string;
  port: string;
  wildcard: boolean;
}

const ENTRY = /^(https?):\/\/(\*\.)?([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/**
 * Parses an allowlist entry: an exact origin (`https://app.example.com`) or one with a
 * single-label wildcard (`https://*.example.com`). Scheme and port are part of the match.
 */
export function parseOriginEntry(entry: string): { entry?: OriginEntry; error?: string } {
  const match = ENTRY.exec(entry.trim().toLowerCase());
  if (!match) {
    return { error: `expected origins like https://app.example.com or https://*.example.com (got ${JSON.stringify(entry)})` };
  }
  const [, scheme, star, host, port] = match;
  return { entry: { scheme, host, port: port ?? defaultPort(scheme), wildcard: star !== undefined } };
}

/** The port an origin has when it names none. */
export function defaultPort(scheme: string): string {
  return scheme === 'https' ? '443' : '80';
}
