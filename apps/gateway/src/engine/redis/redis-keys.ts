/**
 * Every key and pub/sub channel of one cluster starts with its prefix (`REDIS_PREFIX`), so
 * two clusters, or two test runs, can share one Redis. Names are built here only.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** `<prefix>:<part>:<part>…`; parts are joined as given (a channel name may hold `:`). */
  key(...parts: string[]): string {
    return [this.prefix, ...parts].join(':');
  }
}
