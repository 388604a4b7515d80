import { jest } from '@jest/globals';
import { Timers, systemClock } from './clock.js';
import { Outbound } from './outbound.js';

/** The global timers (jest's fakes where installed) with `now` as the clock's time. */
const timersWith = (now: () => number) => new Timers({ ...systemClock, now });

const policy = { messages: 1_000, intervalMs: 1_000, burst: 100 };
const frame = (id: string, type = 'chat.send') => ({ type, id, payload: { id } });

describe('Outbound', () => {
  it('writes queued frames in order once attached, and keeps them until answered', () => {
    const outbound = new Outbound({ maxFrames: 10, maxBytes: 10_000 }, policy, timersWith(Date.now));
    const answers: string[] = [];
    for (const id of ['a', 'b', 'c']) outbound.enqueue(frame(id), 1_000, () => answers.push(id));
    const written: string[] = [];
    outbound.attach((text) => written.push(JSON.parse(text).id), policy);
    expect(written).toEqual(['a', 'b', 'c']);
    outbound.settle('b', { ok: true, payload: null });
    outbound.detach();
    outbound.attach((text) => written.push(JSON.parse(text).id), policy);
    expect(written).toEqual(['a', 'b', 'c', 'a', 'c']);
    expect(answers).toEqual(['b']);
  });

  it('writes control frames first and exempts them from the queue limits', () => {
    const outbound = new Outbound({ maxFrames: 1, maxBytes: 10_000 }, policy, timersWith(Date.now));
    outbound.enqueue(frame('app'), 1_000, () => undefined);
    expect(() => outbound.enqueue(frame('over'), 1_000, () => undefined)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
    outbound.enqueue(frame('sub', 'subscribe'), 1_000, () => undefined, { control: true });
    const written: string[] = [];
    outbound.attach((text) => written.push(JSON.parse(text).id), policy);
    expect(written).toEqual(['sub', 'app']);
  });

  it('refuses a frame over maxMessageBytes and counts bytes against the limit', () => {
    const outbound = new Outbound({ maxFrames: 100, maxBytes: 400 }, policy, timersWith(Date.now));
    expect(() => outbound.enqueue(frame('x'.repeat(300)), 100, () => undefined)).toThrow(expect.objectContaining({ code: 'MESSAGE_TOO_LARGE' }));
    outbound.enqueue(frame('y'.repeat(100)), 1_000, () => undefined);
    expect(() => outbound.enqueue(frame('z'.repeat(100)), 1_000, () => undefined)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
  });

  it('retries a RATE_LIMITED frame after the wait, with the same id', () => {
    jest.useFakeTimers();
    try {
      const outbound = new Outbound({ maxFrames: 10, maxBytes: 10_000 }, policy, timersWith(Date.now));
      outbound.enqueue(frame('p1', 'publish'), 1_000, () => undefined);
      const written: string[] = [];
      outbound.attach((text) => written.push(JSON.parse(text).id), policy);
      expect(outbound.retryLater('p1', 500)).toBe(true);
      jest.advanceTimersByTime(499);
      expect(written).toEqual(['p1']);
      jest.advanceTimersByTime(1);
      expect(written).toEqual(['p1', 'p1']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('paces writes with the bucket instead of sending past the limit', () => {
    jest.useFakeTimers();
    try {
      let now = 0;
      const tight = { messages: 10, intervalMs: 1_000, burst: 2 };
      const outbound = new Outbound({ maxFrames: 10, maxBytes: 10_000 }, tight, timersWith(() => now));
      for (const id of ['1', '2', '3']) outbound.enqueue(frame(id), 1_000, () => undefined);
      const written: string[] = [];
      outbound.attach((text) => written.push(JSON.parse(text).id), tight);
      expect(written).toEqual(['1', '2']);
      now += 200;
      jest.advanceTimersByTime(200);
      expect(written).toEqual(['1', '2', '3']);
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects everything on close, with a timeout still pending', () => {
    const outbound = new Outbound({ maxFrames: 10, maxBytes: 10_000 }, policy, timersWith(Date.now));
    const errors: string[] = [];
    outbound.enqueue(frame('a'), 1_000, (answer) => !answer.ok && errors.push(answer.error.code), { timeoutMs: 10_000 });
    outbound.rejectAll(Object.assign(new Error('closed'), { code: 'CLOSED' }) as never);
    expect(errors).toEqual(['CLOSED']);
    expect(outbound.queued).toBe(0);
  });

  it('counts as queued only the frames not on the current socket, through send, answer, drop and forget', () => {
    const outbound = new Outbound({ maxFrames: 2, maxBytes: 10_000 }, policy, timersWith(Date.now));
    outbound.enqueue(frame('a'), 1_000, () => undefined);
    outbound.enqueue(frame('s', 'subscribe'), 1_000, () => undefined, { control: true });
    expect(outbound.queued).toBe(2);
    outbound.attach(() => undefined, policy);
    expect(outbound.queued).toBe(0);
    outbound.enqueue(frame('b'), 1_000, () => undefined);
    outbound.enqueue(frame('c'), 1_000, () => undefined);
    outbound.detach();
    expect(outbound.queued).toBe(4);
    outbound.settle('a', { ok: true, payload: null });
    outbound.forget((f) => f.type === 'subscribe');
    expect(outbound.queued).toBe(2);
    expect(() => outbound.enqueue(frame('d'), 1_000, () => undefined)).toThrow(expect.objectContaining({ code: 'QUEUE_FULL' }));
  });

  it('times a frame out only while it is on a connection: waiting for one, it stays pending', () => {
    jest.useFakeTimers();
    try {
      const outbound = new Outbound({ maxFrames: 10, maxBytes: 10_000 }, policy, timersWith(Date.now));
      const errors: string[] = [];
      outbound.enqueue(frame('a'), 1_000, (answer) => !answer.ok && errors.push(answer.error.code), { timeoutMs: 1_000 });
      jest.advanceTimersByTime(5_000);
      expect(errors).toEqual([]);
      outbound.attach(() => undefined, policy);
      jest.advanceTimersByTime(900);
      outbound.detach();
      jest.advanceTimersByTime(5_000);
      expect(errors).toEqual([]);
      expect(outbound.queued).toBe(1);
      outbound.attach(() => undefined, policy);
      jest.advanceTimersByTime(1_000);
      expect(errors).toEqual(['TIMEOUT']);
    } finally {
      jest.useRealTimers();
    }
  });

  describe('the timeout, a budget of time on connections', () => {
    // Date stays real: only the injected clock may measure what a connection used up.
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['Date'] }));
    afterEach(() => jest.useRealTimers());

    function setup(timeoutMs: number) {
      let now = 0;
      const outbound = new Outbound({ maxFrames: 10, maxBytes: 10_000 }, policy, timersWith(() => now));
      const errors: Array<{ code: string; message: string }> = [];
      const written: string[] = [];
      outbound.enqueue(frame('a'), 1_000, (answer) => !answer.ok && errors.push(answer.error), { timeoutMs });
      const advance = (ms: number) => {
        now += ms;
        jest.advanceTimersByTime(ms);
      };
      /** Only the clock moves: what happened before due timers got to run. */
      const later = (ms: number) => (now += ms);
      const attach = () => outbound.attach((text) => written.push(JSON.parse(text).id), policy);
      return { outbound, errors, written, advance, later, attach };
    }

    it('is spent across reconnects: dropped every third of it, the request fails once it has been on connections for timeoutMs', () => {
      const { outbound, errors, written, advance, attach } = setup(900);
      for (let drop = 0; drop < 2; drop++) {
        attach();
        advance(300);
        outbound.detach();
        advance(10_000);
      }
      expect(errors).toEqual([]);
      attach();
      advance(299);
      expect(errors).toEqual([]);
      advance(1);
      expect(errors).toEqual([expect.objectContaining({ code: 'TIMEOUT', message: 'no answer to "chat.send" within 900 ms' })]);
      expect(written).toEqual(['a', 'a', 'a']);
      expect(outbound.queued).toBe(0);
    });

    it('runs out at the drop that uses it up, before its timer fires: TIMEOUT then, not a write on the next connection', () => {
      const { outbound, errors, written, later, attach } = setup(900);
      attach();
      later(900);
      outbound.detach();
      expect(errors).toEqual([expect.objectContaining({ code: 'TIMEOUT' })]);
      expect(outbound.queued).toBe(0);
      attach();
      expect(written).toEqual(['a']);
    });
  });
});
