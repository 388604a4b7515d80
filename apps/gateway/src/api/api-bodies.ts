import { CHANNEL_NAME_PATTERN, jsonDepthExceeds, type Json } from '@switchboard/protocol';
import { z } from 'zod';
import { GatewayHttpException } from '../http/index.js';

const channel = z.string().regex(CHANNEL_NAME_PATTERN, { message: `must match ${CHANNEL_NAME_PATTERN.source}` });
const payload = z.custom<Json>((value) => value !== undefined, { message: 'is required (any JSON value)' });
const idempotencyKey = z.string().min(1).max(128).optional();

export const publishBody = z.object({ channel, payload, idempotencyKey }).strict();

export const broadcastBody = z
  .object({ channels: z.array(channel).min(1).max(1_000), payload, idempotencyKey })
  .strict();

/** Close codes a backend may ask for; 4003 (user disabled) stops the SDK for good. */
export const DISCONNECT_CODES = [1000, 4001, 4003, 4008] as const;

export const disconnectBody = z
  .object({
    userId: z.string().min(1).max(256),
    code: z
      .number()
      .refine((code) => (DISCONNECT_CODES as readonly number[]).includes(code), { message: `must be one of ${DISCONNECT_CODES.join(', ')}` })
      .default(4003),
  })
  .strict();

export const historyQuery = z
  .object({
    since: z.string().regex(/^\d{1,15}$/, { message: 'must be an offset (integer ≥ 0)' }).transform(Number).optional(),
    epoch: z.string().min(1).max(64).optional(),
  })
  .strict();

export const channelName = channel;

/** Parses a request part or answers 400 `BAD_REQUEST` naming the first bad field. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what = 'body'): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue.path.length > 0 ? issue.path.join('.') : what;
  const message = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : issue.message;
  throw new GatewayHttpException(400, 'BAD_REQUEST', `${field}: ${message}`);
}

/** Refuses a payload nested deeper than `maxDepth` with 400, before it is published anywhere. */
export function checkPayloadDepth(payload: Json, maxDepth: number): void {
  if (jsonDepthExceeds(payload, maxDepth)) {
    throw new GatewayHttpException(400, 'BAD_REQUEST', `payload: nests deeper than ${maxDepth} levels`);
  }
}
