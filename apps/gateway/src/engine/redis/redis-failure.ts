import { EngineUnavailableError } from '../engine-unavailable.js';

/**
 * Replies with which Redis says "not now" rather than "no": still loading its data, busy
 * with a long script, a replica that lost its primary or may not write, a cluster that is
 * resharding. The same command may succeed later, as after a lost connection.
 */
const NOT_NOW_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|CLUSTERDOWN|TRYAGAIN|NOREPLICAS)\b/;

/**
 * What a failed Redis command means to the gateway. ioredis rejects a command it could not
 * get answered (connection closed, "Stream isn't writeable" with no offline queue, retries
 * used up, "Command timed out") with a plain error, and one Redis refused with a
 * `ReplyError`: the first kind, and the "not now" replies, become an
 * {@link EngineUnavailableError}; any other reply (a Lua error, a wrong type) stays as it is,
 * since retrying the same command would fail the same way.
 */
export function redisFailure(error: unknown): unknown {
  if (error instanceof EngineUnavailableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof Error && error.name === 'ReplyError' && !NOT_NOW_REPLY.test(message)) return error;
  return new EngineUnavailableError('redis', message, { cause: error });
}

/**
 * Awaits one Redis command (or batch, or script) and rethrows its failure as
 * {@link redisFailure} says.
 *
 * @example
 * const stored = await redisCall(this.redis.getdel(key));
 */
export async function redisCall<T>(command: Promise<T>): Promise<T> {
  try {
    return await command;
  } catch (error) {
    throw redisFailure(error);
  }
}
