import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { CredentialError } from './identity.js';

/** Longest a JWKS fetch may take, body included. */
const FETCH_TIMEOUT_MS = 5_000;

/** `kid`s remembered as absent; random `kid`s must not grow memory without end. */
const MAX_REFUSED_KIDS = 1_000;

/** Key types a JWS can be verified with; `oct` is a shared secret and has no place in a JWKS. */
const SIGNING_KEY_TYPES = new Set(['RSA', 'EC', 'OKP']);

/** What {@link JwksKeySet} needs from the world, injected so tests drive time and the network. */
export interface JwksEnvironment {
  /** @default the global `fetch` */
  fetch: typeof fetch;
  /** Monotonic milliseconds. @default `performance.now` */
  now: () => number;
  /** Runs `task` every `ms` without keeping the process alive; returns its disposer. @default `setInterval(...).unref()` */
  every: (ms: number, task: () => void) => () => void;
}

/** How a {@link JwksKeySet} fetches and refetches. */
export interface JwksKeySetOptions {
  /** URL of the JWKS document. */
  url: string;
  /** How often the document is fetched again on schedule. */
  refreshMs: number;
  /** Least time since the last fetch before an unknown `kid` may cause another one. */
  cooldownMs: number;
  /** Told why a fetch failed; the keys already known stay in use. */
  onFetchFailed?: (reason: string) => void;
  environment?: Partial<JwksEnvironment>;
}

/** The verification keys of one successful fetch. */
interface KeyTable {
  byKid: Map<string, KeyObject>;
  /** Set when the document holds exactly one usable key, which then also serves tokens without `kid`. */
  only?: KeyObject;
}

const EMPTY: KeyTable = { byKid: new Map() };

const defaultEnvironment: JwksEnvironment = {
  fetch: (input, init) => fetch(input, init),
  now: () => performance.now(),
  every: (ms, task) => {
    const timer = setInterval(task, ms).unref();
    return () => clearInterval(timer);
  },
};

/**
 * The signing keys of a JWKS URL, kept fresh on a schedule. An unknown `kid` triggers at
 * most one fetch per cooldown, and a `kid` the issuer's own document lacks is refused from
 * memory until the document changes, so tokens with made-up `kid`s cannot hold back a
 * rotated key. A failed fetch never drops keys already known.
 *
 * @example
 * const keys = new JwksKeySet({ url: 'https://id.example.com/jwks.json', refreshMs: 600_000, cooldownMs: 30_000 });
 * keys.start();
 * const key = await keys.find(header.kid);
 * keys.close();
 */
export class JwksKeySet {
  private readonly env: JwksEnvironment;
  private readonly closing = new AbortController();
  private table = EMPTY;
  private readonly refused = new Set<string>();
  private lastFetchAt = -Infinity;
  private inFlight: Promise<boolean> | undefined;
  private stopSchedule: (() => void) | undefined;

  constructor(private readonly options: JwksKeySetOptions) {
    this.env = { ...defaultEnvironment, ...options.environment };
  }

  /** Fetches the document now, without waiting for it, and then every `refreshMs`. */
  start(): void {
    if (this.stopSchedule || this.closing.signal.aborted) return;
    void this.refresh();
    this.stopSchedule = this.env.every(this.options.refreshMs, () => void this.refresh());
  }

  /** Stops the schedule and abandons a fetch under way. */
  close(): void {
    this.stopSchedule?.();
    this.stopSchedule = undefined;
    this.closing.abort();
  }

  /**
   * The key for a token's `kid`; without `kid`, the only key when the set holds one.
   * Takes the header's value unchecked: a `kid` that is not a string matches nothing.
   * @throws {CredentialError} when no such key is known, with a message fit for the client.
   */
  async find(kid: unknown): Promise<KeyObject> {
    if (kid !== undefined && typeof kid !== 'string') throw unknownKey();
    const known = this.lookup(kid);
    if (known) return known;
    const tag = kid ?? '';
    const coolingDown = this.env.now() - this.lastFetchAt < this.options.cooldownMs;
    if (this.refused.has(tag) || (coolingDown && !this.inFlight)) throw unknownKey();
    const fetched = await this.refresh();
    const found = this.lookup(kid);
    if (found) return found;
    // Only the issuer's own answer proves the kid absent; after a failed fetch it may yet appear.
    if (fetched) this.refuse(tag);
    throw unknownKey();
  }

  /** Fetches the document, or joins the fetch under way; true when it replaced the keys. */
  refresh(): Promise<boolean> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private lookup(kid: string | undefined): KeyObject | undefined {
    return kid === undefined ? this.table.only : this.table.byKid.get(kid);
  }

  private refuse(tag: string): void {
    if (this.refused.size >= MAX_REFUSED_KIDS) this.refused.delete(this.refused.values().next().value!);
    this.refused.add(tag);
  }

  private async load(): Promise<boolean> {
    if (this.closing.signal.aborted) return false;
    this.lastFetchAt = this.env.now();
    try {
      const response = await this.env.fetch(this.options.url, {
        headers: { accept: 'application/json' },
        signal: AbortSignal.any([AbortSignal.timeout(FETCH_TIMEOUT_MS), this.closing.signal]),
      });
      if (response.status !== 200) {
        await response.body?.cancel();
        return this.failed(`HTTP ${response.status}`);
      }
      const table = keyTable(await response.json());
      if (table.byKid.size === 0 && !table.only) return this.failed('the document holds no usable signing key');
      this.table = table;
      this.refused.clear();
      return true;
    } catch (error) {
      const cause = (error as Error).cause as Error | undefined;
      return this.failed([(error as Error).message, cause?.message].filter(Boolean).join(': '));
    }
  }

  private failed(reason: string): false {
    if (!this.closing.signal.aborted) this.options.onFetchFailed?.(reason);
    return false;
  }
}

/** Deliberately says nothing of JWKS, fetches or cooldowns: the client learns only that the token is refused. */
function unknownKey(): CredentialError {
  return new CredentialError('no signing key for this token');
}

function keyTable(document: unknown): KeyTable {
  const entries = isRecord(document) && Array.isArray(document.keys) ? document.keys : [];
  const usable = entries.flatMap((jwk: unknown) => importSigningKey(jwk) ?? []);
  const byKid = new Map<string, KeyObject>();
  for (const { kid, key } of usable) {
    // The first of two keys claiming one kid wins, as a JWKS client reading in order would pick it.
    if (kid !== undefined && !byKid.has(kid)) byKid.set(kid, key);
  }
  return usable.length === 1 ? { byKid, only: usable[0].key } : { byKid };
}

function importSigningKey(jwk: unknown): { kid: string | undefined; key: KeyObject } | undefined {
  if (!isRecord(jwk) || typeof jwk.kty !== 'string' || !SIGNING_KEY_TYPES.has(jwk.kty)) return undefined;
  if (jwk.use !== undefined && jwk.use !== 'sig') return undefined;
  const { kid } = jwk;
  if (kid !== undefined && typeof kid !== 'string') return undefined;
  try {
    return { kid, key: createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }) };
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
