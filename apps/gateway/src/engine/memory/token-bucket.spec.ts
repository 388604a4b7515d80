import { fullAfterMs, takeToken, type BucketState } from './token-bucket.js';

const policy = { capacity: 60, refill: 60, intervalMs: 10_000 };

describe('takeToken', () => {
  it('starts full and allows exactly `capacity` at once', () => {
    let state: BucketState | undefined;
    let allowed = 0;
    for (let i = 0; i < 100; i++) {
      const step = takeToken(state, policy, 0);
      state = step.state;
      if (step.decision.allowed) allowed++;
    }
    expect(allowed).toBe(60);
  });

  it('refills at refill/intervalMs and says when the next token comes', () => {
    let { state } = takeToken(undefined, { ...policy, capacity: 1 }, 0);
    const refused = takeToken(state, { ...policy, capacity: 1 }, 0);
    expect(refused.decision).toEqual({ allowed: false, retryAfterMs: 167 });
    state = refused.state;
    expect(takeToken(state, { ...policy, capacity: 1 }, 167).decision).toEqual({ allowed: true });
  });

  it('never holds more than capacity after a long pause', () => {
    const { state } = takeToken(undefined, policy, 0);
    expect(takeToken(state, policy, 10 ** 9).state.tokens).toBe(59);
  });

  it('treats a clock that goes backwards as no time passing', () => {
    const { state } = takeToken(undefined, { ...policy, capacity: 1 }, 1_000);
    expect(takeToken(state, { ...policy, capacity: 1 }, 0).decision.allowed).toBe(false);
  });

  it('knows when an idle bucket is full again', () => {
    expect(fullAfterMs(policy)).toBe(10_000);
    expect(fullAfterMs({ capacity: 10, refill: 1, intervalMs: 1_000 })).toBe(10_000);
  });
});
