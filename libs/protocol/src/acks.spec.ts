import type { AckFrameFor, AckPayload } from './acks.js';
import type { ServerFrame } from './frames.js';

describe('ack payload types', () => {
  it('make acks that are server frames as they are', () => {
    const subscribed: AckFrameFor<'subscribe'> = {
      type: 'ack',
      id: 's1',
      payload: { channel: 'room:1', epoch: 'e1', offset: 1, recovered: true, publications: [{ channel: 'room:1', payload: { text: 'hi' }, offset: 1, epoch: 'e1', ts: 1 }] },
      ts: 1,
    };
    const published: AckPayload<'publish'> = { offset: 2, epoch: 'e1' };
    const frames: ServerFrame[] = [subscribed, { type: 'ack', id: 'p1', payload: published, ts: 1 }];
    expect(frames.map((frame) => frame.type)).toEqual(['ack', 'ack']);
  });
});
