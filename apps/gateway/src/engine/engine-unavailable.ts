/** What a client is told to wait before it retries a request the engine could not answer. */
export const ENGINE_RETRY_AFTER_MS = 1_000;

/**
 * The engine did not answer: its store is unreachable, too slow, or not ready to serve
 * (with `ENGINE=redis`, a command that Redis did not run). Nothing is known to be wrong
 * with the request, so it is answered `ENGINE_UNAVAILABLE`, recoverable, and the same
 * request may succeed later. Errors of the engine's own logic are never turned into this.
 */
export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';

  /**
   * @param engine the engine's name (`Engine.name`)
   * @param reason what its store said, for logs and `/ready`, never for clients
   */
  constructor(
    readonly engine: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    // The reason is a property, and the cause's message: a logger that prints causes says it once.
    super(`engine ${engine} does not answer`, options);
  }
}

/** True when `error` is an {@link EngineUnavailableError}. */
export function isEngineUnavailable(error: unknown): error is EngineUnavailableError {
  return error instanceof EngineUnavailableError;
}
