import { DEFAULT_LIMITS } from '@switchboard/protocol';
import { z } from 'zod';
import { defaultDemoDir } from './default-demo-dir.js';

/** Pino's levels, plus `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Algorithms the gateway accepts; `none` is never among them. */
export const SECRET_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const KEY_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;

/** Engines the configuration names: `memory` embeds everything in one process; `redis` lets several nodes share one Redis. */
export const ENGINE_KINDS = ['memory', 'redis'] as const;

/** Shortest HS* secret accepted: 256 bits, as RFC 7518 §3.2 asks for HS256. */
export const MIN_SECRET_LENGTH = 32;

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, { message: `expected an integer from ${min} to ${max}` })
    .transform(Number)
    .pipe(z.number().int().min(min, { message: `expected an integer from ${min} to ${max}` }).max(max, { message: `expected an integer from ${min} to ${max}` }));

const boolean = z
  .string()
  .trim()
  .toLowerCase()
  .refine((v) => ['true', 'false', '1', '0'].includes(v), { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1');

/** Names that go into Redis keys, logs and frames: letters, digits, `.`, `_` and `-`. */
const identifier = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._-]{1,64}$/, { message: 'expected 1 to 64 letters, digits, ".", "_" or "-"' });

const redisUrl = z
  .string()
  .trim()
  .refine((v) => URL.canParse(v) && /^rediss?:$/.test(new URL(v).protocol), {
    message: 'expected a redis:// or rediss:// URL',
  });

const httpUrl = z
  .string()
  .trim()
  .refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), {
    message: 'expected an absolute http:// or https:// URL',
  });

const list = z
  .string()
  .transform((v) => v.split(',').map((item) => item.trim()).filter((item) => item !== ''));

const DAY_MS = 86_400_000;
const MAX_TIMER_MS = 2_147_483_647;

/**
 * The environment variables the gateway reads, each with its default.
 * Keep in step with docs/configuration.md.
 */
export const envSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: integer(0, 65_535).default(8080),
  HOST: z.string().trim().min(1).optional(),
  PUBLIC_URL: httpUrl.optional(),
  TRUST_PROXY: boolean.default(false),
  TRUST_PROXY_HOPS: integer(1, 16).default(1),
  HTTP_HEADERS_TIMEOUT_MS: integer(1_000, 600_000).default(10_000),
  HTTP_REQUEST_TIMEOUT_MS: integer(1_000, 3_600_000).default(30_000),
  MAX_PENDING_REQUESTS_PER_IP: integer(1, 1_000_000).default(256),
  JWT_SECRET: z
    .string()
    .min(MIN_SECRET_LENGTH, { message: `expected at least ${MIN_SECRET_LENGTH} characters` })
    .optional(),
  JWT_JWKS_URL: httpUrl.optional(),
  JWT_ALGORITHMS: list.optional(),
  JWT_ISSUER: z.string().trim().min(1).optional(),
  JWT_AUDIENCE: z.string().trim().min(1).optional(),
  JWT_JWKS_REFRESH_MS: integer(1_000, DAY_MS).default(600_000),
  JWT_JWKS_COOLDOWN_MS: integer(0, 3_600_000).default(30_000),
  JWT_USER_CLAIM: z.string().trim().min(1, { message: 'expected a claim name' }).default('sub'),
  ALLOWED_ORIGINS: list.optional(),
  MAX_CONNECTIONS_PER_USER: integer(1, 10_000).default(DEFAULT_LIMITS.maxConnectionsPerUser),
  CONNECTION_POLICY: z
    .enum(['reject', 'evict-oldest'], { message: 'expected reject or evict-oldest' })
    .default('reject'),
  MAX_CONNECTIONS: integer(0, 10_000_000).default(0),
  ENGINE: z.enum(ENGINE_KINDS, { message: `expected one of ${ENGINE_KINDS.join(', ')}` }).default('memory'),
  SLOT_LEASE_MS: integer(3_000, DAY_MS).default(15_000),
  REDIS_URL: redisUrl.default('redis://127.0.0.1:6379/0'),
  REDIS_PREFIX: identifier.default('sb'),
  NODE_ID: identifier.optional(),
  PUBLISH_IDEMPOTENCY_MS: integer(1_000, DAY_MS).default(120_000),
  HANDSHAKE_RATE_PER_IP: integer(1, 1_000_000).default(50),
  TICKET_RATE_PER_USER: integer(1, 1_000_000).default(10),
  TICKET_RATE_PER_IP: integer(1, 1_000_000).default(50),
  RATE_LIMIT_MESSAGES: integer(1, 1_000_000).default(DEFAULT_LIMITS.rateLimit.messages),
  RATE_LIMIT_INTERVAL_MS: integer(1, DAY_MS).default(DEFAULT_LIMITS.rateLimit.intervalMs),
  RATE_LIMIT_BURST: integer(1, 1_000_000).default(DEFAULT_LIMITS.rateLimit.burst),
  MAX_MESSAGE_BYTES: integer(64, 16 * 1024 * 1024).default(DEFAULT_LIMITS.maxMessageBytes),
  MAX_JSON_DEPTH: integer(1, 1_000).default(64),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: integer(1, 100_000).default(128),
  HEARTBEAT_MS: integer(50, 600_000).default(DEFAULT_LIMITS.heartbeatMs),
  MAX_BUFFERED_BYTES: integer(1024, 1024 * 1024 * 1024).default(1_048_576),
  TICKET_TTL_MS: integer(1_000, 3_600_000).default(30_000),
  DRAIN_TIMEOUT_MS: integer(0, MAX_TIMER_MS).default(30_000),
  DRAIN_SPREAD_MS: integer(0, 600_000).default(5_000),
  AUTH_QUERY_TOKEN: boolean.default(false),
  CHANNELS_PUBLIC_SUBSCRIBE: list.optional(),
  CHANNELS_PUBLIC_PUBLISH: list.optional(),
  HISTORY_SIZE: integer(0, 10_000).default(100),
  HISTORY_TTL_MS: integer(1_000, 7 * DAY_MS).default(300_000),
  HISTORY_MAX_BYTES: integer(1_024, 1024 * 1024 * 1024).default(1_048_576),
  HISTORY_MAX_TOTAL_BYTES: integer(1_024, 1024 ** 4).default(268_435_456),
  MESSAGE_SCHEMAS_DIR: z.string().trim().min(1).optional(),
  BACKEND_URL: httpUrl.optional(),
  BACKEND_SECRET: z
    .string()
    .min(MIN_SECRET_LENGTH, { message: `expected at least ${MIN_SECRET_LENGTH} characters` })
    .optional(),
  BACKEND_TIMEOUT_MS: integer(100, 600_000).default(5_000),
  BACKEND_MAX_CONNECTIONS: integer(1, 10_000).default(64),
  BACKEND_BREAKER_ERROR_PERCENT: integer(1, 100).default(50),
  BACKEND_BREAKER_MIN_REQUESTS: integer(1, 1_000_000).default(10),
  BACKEND_BREAKER_RESET_MS: integer(100, 3_600_000).default(10_000),
  API_KEY: z
    .string()
    .min(MIN_SECRET_LENGTH, { message: `expected at least ${MIN_SECRET_LENGTH} characters` })
    .optional(),
  DEMO_DIR: z.string().trim().min(1).default(defaultDemoDir),
  LOG_LEVEL: z.enum(LOG_LEVELS, { message: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
});

/** The environment after parsing, before cross-field checks. */
export type ParsedEnv = z.infer<typeof envSchema>;
