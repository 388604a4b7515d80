import { jest } from '@jest/globals';
import { Timers, systemClock } from './clock.js';
import { Heartbeat } from './heartbeat.js';

describe('Heartbeat', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function setup() {
    let now = 0;
    let lastReceived = 0;
    const pings: number[] = [];
    let dead = 0;
    const heartbeat = new Heartbeat(
      { lastReceivedAt: () => lastReceived, sendPing: () => pings.push(now), dead: () => dead++ },
      1_000,
      500,
      new Timers({ ...systemClock, now: () => now }),
    );
    return {
      heartbeat,
      pings,
      dead: () => dead,
      advance: (ms: number) => {
        now += ms;
        jest.advanceTimersByTime(ms);
      },
      receive: () => (lastReceived = now),
    };
  }

  it('pings after idleMs of silence and calls the connection dead when nothing answers', () => {
    const h = setup();
    h.heartbeat.start();
    h.advance(1_000);
    expect(h.pings).toHaveLength(1);
    h.advance(500);
    expect(h.dead()).toBe(1);
    h.heartbeat.stop();
  });

  it('does not ping a busy connection, and an answer keeps it alive', () => {
    const h = setup();
    h.heartbeat.start();
    for (let i = 0; i < 10; i++) {
      h.advance(250);
      h.receive();
    }
    expect(h.pings).toHaveLength(0);
    h.advance(1_000);
    expect(h.pings).toHaveLength(1);
    h.receive();
    h.advance(750);
    expect(h.dead()).toBe(0);
    h.heartbeat.stop();
  });

  it('does not take a late timer for a dead connection (hidden tabs throttle timers)', () => {
    const h = setup();
    h.heartbeat.start();
    h.advance(1_000);
    expect(h.pings).toHaveLength(1);
    // The pong arrives at once, but the next timer only runs a minute later.
    h.receive();
    h.advance(60_000);
    expect(h.dead()).toBe(0);
    h.heartbeat.stop();
  });
});
