/**
 * Publish idempotency keys, scoped by who chose them. Each is a JSON array, so no user id
 * or key can contain a separator that makes two scopes collide (`user:a:b` + `c` would
 * otherwise equal `user:a` + `b:c`).
 */

/** The key of a client's publish: its frame id, within its own user's scope. */
export function clientPublishKey(userId: string, frameId: string): string {
  return JSON.stringify(['user', userId, frameId]);
}

/** The key of a server API publish: the caller's `idempotencyKey`, apart from every user's. */
export function apiPublishKey(key: string | undefined): string | undefined {
  return key === undefined ? undefined : JSON.stringify(['api', key]);
}
