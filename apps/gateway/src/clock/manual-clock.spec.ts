import { ManualClock } from './manual-clock.js';

describe('ManualClock', () => {
  it('runs timeouts once, in due order, at their due time', () => {
    const clock = new ManualClock(1_000);
    const seen: Array<[string, number]> = [];
    clock.setTimeout(() => seen.push(['late', clock.now()]), 50);
    clock.setTimeout(() => seen.push(['early', clock.now()]), 10);
    clock.advance(100);
    expect(seen).toEqual([['early', 1_010], ['late', 1_050]]);
    expect(clock.now()).toBe(1_100);
    expect(clock.pending).toBe(0);
  });

  it('repeats an interval until it is cleared', () => {
    const clock = new ManualClock();
    let runs = 0;
    const timer = clock.setInterval(() => runs++, 10);
    clock.advance(35);
    expect(runs).toBe(3);
    clock.clearInterval(timer);
    clock.advance(100);
    expect(runs).toBe(3);
    expect(clock.pending).toBe(0);
  });

  it('does not run a cleared timeout', () => {
    const clock = new ManualClock();
    let ran = false;
    const timer = clock.setTimeout(() => (ran = true), 5);
    clock.clearTimeout(timer);
    clock.advance(10);
    expect(ran).toBe(false);
  });
});
