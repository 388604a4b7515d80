import { SwitchboardError } from './errors.js';
import { MAX_AUTH_FAILURES, ReconnectPlan, STABLE_AFTER_MS } from './reconnect-plan.js';

const plan = () => new ReconnectPlan({ backoff: { initialMs: 100, factor: 2, maxMs: 1_000 }, discoveryRefetchAfter: 3, random: () => 1 });
const backoff = { kind: 'reconnect', delay: 'backoff' } as const;
const failure = (status?: number, retryAfterMs?: number) =>
  new SwitchboardError('X', 'x', { ...(status ? { status } : {}), ...(retryAfterMs ? { retryAfterMs } : {}) });

describe('ReconnectPlan', () => {
  it('climbs the backoff on failures and starts it over after a stable connection', () => {
    const p = plan();
    expect([1, 2, 3, 4, 5].map(() => p.afterClose(backoff, undefined))).toEqual(
      [100, 200, 400, 800, 1_000].map((delayMs) => ({ kind: 'retry', delayMs, hurryable: true })),
    );
    expect(p.afterClose(backoff, STABLE_AFTER_MS - 1)).toMatchObject({ delayMs: 1_000 });
    expect(p.afterClose(backoff, STABLE_AFTER_MS)).toMatchObject({ delayMs: 100 });
  });

  it('waits the server’s afterMs of a drain, which the network coming back does not cut short', () => {
    expect(plan().afterClose({ kind: 'reconnect', delay: 'server' }, 60_000, 2_000)).toEqual({ kind: 'retry', delayMs: 2_100, hurryable: false });
  });

  it('waits at least Retry-After, and rediscovers after repeated failures', () => {
    const p = plan();
    p.discovery = {} as never;
    expect(p.afterFetchFailure(failure(429, 5_000))).toEqual({ kind: 'retry', delayMs: 5_000, hurryable: false });
    p.afterFetchFailure(failure(503));
    expect(p.discovery).toBeDefined();
    p.afterFetchFailure(failure(503));
    expect(p.discovery).toBeUndefined();
  });

  it('gives up on a 403 at once and after three credential failures in a row', () => {
    expect(plan().afterFetchFailure(failure(403))).toEqual({ kind: 'fail', reason: 'forbidden' });
    const p = plan();
    const refresh = { kind: 'refresh-credential' } as const;
    expect(p.afterClose(refresh, 10_000)).toEqual({ kind: 'retry', delayMs: 0, hurryable: true });
    expect(p.afterFetchFailure(failure(401))).toMatchObject({ kind: 'retry' });
    expect(p.afterClose(refresh, 10_000)).toEqual({ kind: 'fail', reason: 'unauthorized' });
    expect(MAX_AUTH_FAILURES).toBe(3);
  });

  it('ends a run of credential failures only with a welcome whose credential lives', () => {
    const p = plan();
    const refresh = { kind: 'refresh-credential' } as const;
    p.afterClose(refresh, 1_000);
    p.afterClose(refresh, 1_000);
    p.opened(1_000);
    expect(p.afterClose(refresh, 1_000)).toEqual({ kind: 'fail', reason: 'unauthorized' });
    const q = plan();
    q.afterClose(refresh, 1_000);
    q.afterClose(refresh, 1_000);
    q.opened(60_000);
    expect(q.afterClose(refresh, 1_000)).toMatchObject({ kind: 'retry' });
  });
});
