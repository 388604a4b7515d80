import { ManualClock } from '../../clock/index.js';
import { MemoryChannelBroker } from './memory-channel-broker.js';

describe('MemoryChannelBroker node-wide history budget', () => {
  const history = { size: 100, ttlMs: 60_000, maxBytes: 1_000 };
  const idempotencyWindowMs = 120_000;

  it('drops the oldest publication of any channel once all history passes maxTotalBytes', async () => {
    const broker = new MemoryChannelBroker({ history, idempotencyWindowMs }, new ManualClock(), 300);
    const payload = JSON.stringify('x'.repeat(98));
    for (let channel = 0; channel < 10; channel++) await broker.publish(`c:${channel}`, payload);
    expect(broker.historyBytes).toBe(300);
    for (let channel = 0; channel < 7; channel++) {
      const { epoch } = await broker.history(`c:${channel}`);
      expect((await broker.history(`c:${channel}`, { epoch, offset: 0 })).publications).toEqual([]);
    }
    for (let channel = 7; channel < 10; channel++) {
      const { epoch } = await broker.history(`c:${channel}`);
      expect((await broker.history(`c:${channel}`, { epoch, offset: 0 })).recovered).toBe(true);
    }
  });

  it('stays within budget over many channels and trims, and frees every byte when history expires', async () => {
    const clock = new ManualClock();
    const broker = new MemoryChannelBroker({ history: { ...history, size: 3 }, idempotencyWindowMs }, clock, 5_000);
    for (let i = 0; i < 5_000; i++) {
      await broker.publish(`c:${i % 50}`, JSON.stringify({ i, pad: 'p'.repeat(i % 40) }));
      expect(broker.historyBytes).toBeLessThanOrEqual(5_000);
    }
    clock.advance(61_000);
    broker.sweep();
    expect(broker.historyBytes).toBe(0);
    expect(broker.size).toBe(0);
    expect(broker.retainedEntries).toBe(0);
  });
});
