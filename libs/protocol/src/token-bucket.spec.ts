import { fullAfterMs, rateLimitBucket, takeToken, TokenBucket, type TokenBucketState } from './token-bucket.js';

const policy = { capacity: 60, refill: 60, intervalMs: 10_000 };
const one = { ...policy, capacity: 1 };

describe('takeToken', () => {
  it('starts full and allows exactly `capacity` at once', () => {
    let state: TokenBucketState | undefined;
    let allowed = 0;
    for (let i = 0; i < 100; i++) {
      const step = takeToken(state, policy, 0);
      state = step.state;
      if (step.decision.allowed) allowed++;
    }
    expect(allowed).toBe(60);
  });

  it('refills at refill/intervalMs and says when the next token comes', () => {
    const { state } = takeToken(undefined, one, 0);
    const refused = takeToken(state, one, 0);
    expect(refused.decision).toEqual({ allowed: false, retryAfterMs: 167 });
    expect(takeToken(refused.state, one, 166).decision.allowed).toBe(false);
    expect(takeToken(refused.state, one, 167).decision).toEqual({ allowed: true });
  });

  it('never holds more than capacity after a long pause', () => {
    const { state } = takeToken(undefined, policy, 0);
    expect(takeToken(state, policy, 10 ** 9).state.tokens).toBe(59);
  });

  it('treats a clock that goes backwards as no time passing', () => {
    const { state } = takeToken(undefined, one, 1_000);
    expect(takeToken(state, one, 0).decision.allowed).toBe(false);
  });

  it('knows when an idle bucket is full again', () => {
    expect(fullAfterMs(policy)).toBe(10_000);
    expect(fullAfterMs({ capacity: 10, refill: 1, intervalMs: 1_000 })).toBe(10_000);
  });
});

describe('rateLimitBucket', () => {
  it('reads an advertised rate limit as a bucket, optionally refilled slower', () => {
    const rateLimit = { messages: 10, intervalMs: 1_000, burst: 20 };
    expect(rateLimitBucket(rateLimit)).toEqual({ capacity: 20, refill: 10, intervalMs: 1_000 });
    expect(rateLimitBucket(rateLimit, 0.5)).toEqual({ capacity: 20, refill: 5, intervalMs: 1_000 });
  });
});

describe('TokenBucket', () => {
  let now = 0;
  const clock = () => now;
  beforeEach(() => {
    now = 0;
  });

  it('takes tokens until empty, then says how long to wait, by the clock it was given', () => {
    const bucket = new TokenBucket({ capacity: 2, refill: 1, intervalMs: 100 }, clock);
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 100]);
    now = 60;
    expect(bucket.take()).toBe(40);
    now = 100;
    expect(bucket.take()).toBe(0);
  });

  it('keeps what is left on update, capped by the new capacity', () => {
    const bucket = new TokenBucket({ capacity: 10, refill: 1, intervalMs: 100 }, clock);
    for (let i = 0; i < 7; i++) bucket.take();
    bucket.update({ capacity: 2, refill: 1, intervalMs: 100 });
    expect([bucket.take(), bucket.take(), bucket.take()]).toEqual([0, 0, 100]);
  });

  it('refills at the old rate up to the update, at the new one after it', () => {
    const bucket = new TokenBucket({ capacity: 1, refill: 1, intervalMs: 100 }, clock);
    bucket.take();
    now = 50;
    bucket.update({ capacity: 1, refill: 1, intervalMs: 1_000 });
    expect(bucket.take()).toBe(500);
  });
});
