import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { envSchema, KEY_ALGORITHMS, SECRET_ALGORITHMS, type ParsedEnv } from './config.schema.js';
import type { GatewayConfig, JwtSettings } from './gateway-config.js';
import { parseOriginEntry } from './origin-entry.js';

/** Variables whose values are secrets: error messages never repeat them. */
const SECRET_VARIABLES = new Set(['JWT_SECRET', 'BACKEND_SECRET', 'API_KEY', 'REDIS_URL']);

/** Every problem found in the environment, one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads and validates the gateway's environment variables.
 * @throws {ConfigError} naming each bad variable and what it expects.
 */
export function loadConfig(env: NodeJS.ProcessEnv): GatewayConfig {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        const got = SECRET_VARIABLES.has(name) ? 'value hidden' : `got ${JSON.stringify(present[name])}`;
        return `${name}: ${issue.message} (${got})`;
      }),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV === 'production';
  const jwt = jwtSettings(e, production, problems);
  const allowedOrigins = origins(e, production, jwt.mode === 'development', problems);
  const publicSubscribe = channelPatterns('CHANNELS_PUBLIC_SUBSCRIBE', e.CHANNELS_PUBLIC_SUBSCRIBE, problems);
  const publicPublish = channelPatterns('CHANNELS_PUBLIC_PUBLISH', e.CHANNELS_PUBLIC_PUBLISH, problems);
  if (production && e.TRUST_PROXY && !e.PUBLIC_URL) {
    problems.push('PUBLIC_URL: required with TRUST_PROXY when NODE_ENV=production, so forwarded headers never choose the URLs clients are sent to');
  }
  if (e.BACKEND_URL && !e.BACKEND_SECRET) problems.push('BACKEND_SECRET: required with BACKEND_URL, to sign what the backend receives');
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    production,
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    trustProxy: e.TRUST_PROXY,
    trustProxyHops: e.TRUST_PROXY_HOPS,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      maxPendingRequestsPerIp: e.MAX_PENDING_REQUESTS_PER_IP,
    },
    engine: {
      kind: e.ENGINE,
      slotLeaseMs: e.SLOT_LEASE_MS,
      nodeId: e.NODE_ID ?? randomUUID(),
      redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    },
    jwt,
    allowedOrigins,
    limits: {
      maxConnectionsPerUser: e.MAX_CONNECTIONS_PER_USER,
      rateLimit: {
        messages: e.RATE_LIMIT_MESSAGES,
        intervalMs: e.RATE_LIMIT_INTERVAL_MS,
        burst: e.RATE_LIMIT_BURST,
      },
      maxMessageBytes: e.MAX_MESSAGE_BYTES,
      heartbeatMs: e.HEARTBEAT_MS,
    },
    connectionPolicy: e.CONNECTION_POLICY,
    maxConnections: e.MAX_CONNECTIONS,
    handshakeRatePerIp: e.HANDSHAKE_RATE_PER_IP,
    ticketRate: { perUser: e.TICKET_RATE_PER_USER, perIp: e.TICKET_RATE_PER_IP },
    maxJsonDepth: e.MAX_JSON_DEPTH,
    maxBufferedBytes: e.MAX_BUFFERED_BYTES,
    ticketTtlMs: e.TICKET_TTL_MS,
    drainTimeoutMs: e.DRAIN_TIMEOUT_MS,
    drainSpreadMs: e.DRAIN_SPREAD_MS,
    authQueryToken: e.AUTH_QUERY_TOKEN,
    logLevel: e.LOG_LEVEL,
    channels: {
      publicSubscribe,
      publicPublish,
      historySize: e.HISTORY_SIZE,
      historyTtlMs: e.HISTORY_TTL_MS,
      historyMaxBytes: e.HISTORY_MAX_BYTES,
      historyMaxTotalBytes: e.HISTORY_MAX_TOTAL_BYTES,
      maxSubscriptionsPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      idempotencyWindowMs: e.PUBLISH_IDEMPOTENCY_MS,
    },
    schemasDir: e.MESSAGE_SCHEMAS_DIR,
    backend:
      e.BACKEND_URL && e.BACKEND_SECRET
        ? {
            url: e.BACKEND_URL,
            secret: e.BACKEND_SECRET,
            timeoutMs: e.BACKEND_TIMEOUT_MS,
            maxConnections: e.BACKEND_MAX_CONNECTIONS,
            breaker: {
              errorPercent: e.BACKEND_BREAKER_ERROR_PERCENT,
              minRequests: e.BACKEND_BREAKER_MIN_REQUESTS,
              resetMs: e.BACKEND_BREAKER_RESET_MS,
            },
          }
        : undefined,
    apiKey: e.API_KEY,
    demoDir: resolve(e.DEMO_DIR),
  };
}

function jwtSettings(e: ParsedEnv, production: boolean, problems: string[]): JwtSettings {
  const common = { issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE, userClaim: e.JWT_USER_CLAIM };
  if (e.JWT_SECRET && e.JWT_JWKS_URL) {
    problems.push('JWT_SECRET, JWT_JWKS_URL: expected one of the two, not both');
  }
  if (e.JWT_JWKS_URL) {
    const algorithms = e.JWT_ALGORITHMS ?? ['RS256', 'ES256'];
    checkAlgorithms(algorithms, KEY_ALGORITHMS, 'with JWT_JWKS_URL', problems);
    return {
      mode: 'jwks',
      jwksUrl: e.JWT_JWKS_URL,
      refreshMs: e.JWT_JWKS_REFRESH_MS,
      cooldownMs: e.JWT_JWKS_COOLDOWN_MS,
      algorithms,
      ...common,
    };
  }
  if (e.JWT_SECRET) {
    const algorithms = e.JWT_ALGORITHMS ?? ['HS256'];
    checkAlgorithms(algorithms, SECRET_ALGORITHMS, 'with JWT_SECRET', problems);
    return { mode: 'secret', secret: e.JWT_SECRET, algorithms, ...common };
  }
  if (production) {
    problems.push(
      'JWT_SECRET or JWT_JWKS_URL: one is required when NODE_ENV=production (development mode issues its own tokens and is refused in production)',
    );
  }
  if (e.JWT_ALGORITHMS) problems.push('JWT_ALGORITHMS: set JWT_SECRET or JWT_JWKS_URL too');
  return { mode: 'development', secret: randomBytes(32).toString('base64url'), algorithms: ['HS256'], ...common };
}

function checkAlgorithms(
  algorithms: string[],
  allowed: readonly string[],
  context: string,
  problems: string[],
): void {
  const bad = algorithms.filter((alg) => !allowed.includes(alg));
  if (algorithms.length === 0 || bad.length > 0) {
    problems.push(
      `JWT_ALGORITHMS: expected a comma list of ${allowed.join(', ')} ${context} (got ${JSON.stringify(algorithms.join(','))})`,
    );
  }
}

function origins(e: ParsedEnv, production: boolean, development: boolean, problems: string[]): string[] {
  // Development mode exists to be tried from a local page, so it allows any origin unless told otherwise.
  const entries = e.ALLOWED_ORIGINS ?? (development ? ['*'] : []);
  for (const entry of entries) {
    if (entry === '*') {
      if (production) problems.push('ALLOWED_ORIGINS: "*" is refused when NODE_ENV=production; list the origins');
      continue;
    }
    const problem = parseOriginEntry(entry).error;
    if (problem) problems.push(`ALLOWED_ORIGINS: ${problem}`);
  }
  return entries;
}

/** Channel patterns: channel-name characters plus `*` for one or more of them. */
const CHANNEL_PATTERN = /^[A-Za-z0-9_.:@*-]{1,128}$/;

function channelPatterns(name: string, patterns: string[] | undefined, problems: string[]): string[] {
  for (const pattern of patterns ?? []) {
    if (!CHANNEL_PATTERN.test(pattern)) {
      problems.push(`${name}: expected channel patterns like room:* (got ${JSON.stringify(pattern)})`);
    }
  }
  return patterns ?? [];
}
