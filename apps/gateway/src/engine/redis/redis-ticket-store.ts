import type { Redis } from 'ioredis';
import type { TicketGrant, TicketStore } from '../seams/index.js';
import { redisCall } from './redis-failure.js';
import type { RedisKeys } from './redis-keys.js';

/**
 * Tickets as Redis strings, `<prefix>:ticket:<ticket>` → the grant as JSON, expiring with
 * PX on Redis's clock. `take` is one GETDEL: Redis runs it atomically, so of any number
 * of nodes taking the same ticket at once exactly one gets the grant.
 */
export class RedisTicketStore implements TicketStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async put(ticket: string, grant: TicketGrant, ttlMs: number): Promise<void> {
    // PX takes a positive integer; a sub-ms TTL still lives 1 ms rather than failing the put.
    await redisCall(this.redis.set(this.key(ticket), JSON.stringify(grant), 'PX', Math.max(1, Math.ceil(ttlMs))));
  }

  async take(ticket: string): Promise<TicketGrant | null> {
    const stored = await redisCall(this.redis.getdel(this.key(ticket)));
    return stored === null ? null : parseGrant(stored);
  }

  private key(ticket: string): string {
    return this.keys.key('ticket', ticket);
  }
}

/**
 * The grant stored as `json`, or null when it is not one: a value this code did not
 * write (another version, a hand edit) reads as an unknown ticket instead of throwing
 * into the handshake.
 */
function parseGrant(json: string): TicketGrant | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const { userId, claims, credentialExpiresAt } = value as Record<string, unknown>;
  if (typeof userId !== 'string' || typeof credentialExpiresAt !== 'number') return null;
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return null;
  return { userId, claims: claims as Record<string, unknown>, credentialExpiresAt };
}
