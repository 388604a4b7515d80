import type { PublishFrame, SubscribeFrame } from '@switchboard/protocol';
import { PinoLogger } from 'nestjs-pino';
import type { WebSocket } from 'ws';
import { ManualClock } from '../clock/index.js';
import type { GatewayConfig } from '../config/index.js';
import { Connection } from '../connections/index.js';
import type { ChannelBroker, Engine, HistoryResult, Publication, PublishResult, StreamPosition } from '../engine/index.js';
import { PublishHandler } from '../frames/publish.handler.js';
import { SubscribeHandler } from '../frames/subscribe.handler.js';
import { MetricsService } from '../metrics/index.js';
import { sendReply } from '../session/send-reply.js';
import { ChannelHub } from './channel-hub.service.js';
import type { ChannelPermissions } from './channel-permissions.service.js';
import { ChannelPublisher } from './channel-publisher.service.js';

/** Runs `task` after `ticks` turns of the event loop. */
function later(ticks: number, task: () => void): void {
  if (ticks === 0) task();
  else setImmediate(() => later(ticks - 1, task));
}
const ticks = (n: number) => new Promise<void>((resolve) => later(n, resolve));

/**
 * A broker that answers and delivers on later ticks, as Redis does: each publication reaches
 * listeners `deliverAfter` ticks after it is published, its result resolves `resolveAfter`
 * ticks after, so a publisher may learn its offset before or after its publication arrives.
 */
class AsyncBroker implements ChannelBroker {
  private readonly streams = new Map<string, { offset: number; history: Publication[]; listeners: Set<(p: Publication) => void> }>();

  constructor(private readonly timing: { deliverAfter: number; resolveAfter: number; historyAfter: number }) {}

  async publish(channel: string, payloadJson: string): Promise<PublishResult> {
    const stream = this.stream(channel);
    const publication: Publication = { channel, epoch: 'e1', offset: ++stream.offset, payloadJson, ts: 0 };
    stream.history.push(publication);
    later(this.timing.deliverAfter, () => stream.listeners.forEach((listener) => listener(publication)));
    await ticks(this.timing.resolveAfter);
    return { epoch: 'e1', offset: publication.offset, duplicate: false };
  }

  async history(channel: string, since?: StreamPosition): Promise<HistoryResult> {
    const stream = this.stream(channel);
    const position = { epoch: 'e1', offset: stream.offset };
    const publications = since ? stream.history.filter((p) => p.offset > since.offset) : [];
    await ticks(this.timing.historyAfter);
    return { ...position, recovered: since !== undefined, publications };
  }

  async listen(channel: string, listener: (p: Publication) => void): Promise<() => Promise<void>> {
    this.stream(channel).listeners.add(listener);
    await ticks(1);
    return async () => void this.stream(channel).listeners.delete(listener);
  }

  private stream(channel: string) {
    let stream = this.streams.get(channel);
    if (!stream) this.streams.set(channel, (stream = { offset: 0, history: [], listeners: new Set() }));
    return stream;
  }
}

type Received = { type: string; id?: string; offset?: number; payload?: unknown };

function setup(timing: { deliverAfter: number; resolveAfter: number; historyAfter?: number }) {
  const broker = new AsyncBroker({ historyAfter: 1, ...timing });
  const engine = { broker } as unknown as Engine;
  const metrics = new MetricsService();
  const clock = new ManualClock(1_000);
  const hub = new ChannelHub(engine, metrics, new PinoLogger({ pinoHttp: { level: 'silent' } }));
  const permissions = { canSubscribe: () => true, canPublish: () => true } as unknown as ChannelPermissions;
  const publisher = new ChannelPublisher(engine, metrics);
  const config = { channels: { maxSubscriptionsPerConnection: 10 } } as GatewayConfig;
  const subscribe = new SubscribeHandler(config, clock, hub, permissions);
  const publish = new PublishHandler(hub, permissions, publisher);

  const member = (userId: string) => {
    const received: Received[] = [];
    const socket = { bufferedAmount: 0, send: (text: string) => received.push(JSON.parse(text)), close: () => undefined };
    const hooks = { clock, maxBufferedBytes: 1e9, onFrameSent: () => undefined, onCredentialExpired: () => undefined, onBackpressure: () => undefined };
    const connection = new Connection(userId, socket as unknown as WebSocket, { userId, claims: {}, expiresAt: 1e12 }, hooks);
    return {
      received,
      /** What the frame pipeline does for a sequential frame: the handler, then its reply. */
      send: async (frame: SubscribeFrame | PublishFrame) =>
        sendReply(connection, frame.type === 'subscribe' ? await subscribe.handle(frame, connection) : await publish.handle(frame, connection)),
    };
  };
  return { member, publisher, hub };
}

const offsetsOf = (frames: Received[]) => frames.filter((f) => f.type === 'message').map((f) => f.offset);
const publishFrame = (id: string): PublishFrame => ({ type: 'publish', id, channel: 'room', payload: id });

describe.each([
  ['before the publish resolves', { deliverAfter: 1, resolveAfter: 3 }],
  ['after the publish resolves', { deliverAfter: 3, resolveAfter: 0 }],
])('ChannelHub on a broker that delivers %s', (_name, timing) => {
  it('acks a publish before its own publication, and keeps every publication once, in order', async () => {
    const { member, publisher } = setup(timing);
    const alice = member('alice');
    await alice.send({ type: 'subscribe', id: 's', channel: 'room' });
    // Another publisher keeps publishing while alice's own publishes are under way.
    const others = (async () => {
      for (let i = 0; i < 20; i++) {
        await publisher.publish('room', `other-${i}`, { source: 'api' });
        await ticks(1);
      }
    })();
    for (let i = 0; i < 10; i++) await alice.send(publishFrame(`a${i}`));
    await others;
    await ticks(10);

    const position = (predicate: (f: Received) => boolean) => alice.received.findIndex(predicate);
    for (let i = 0; i < 10; i++) {
      const ack = alice.received.find((f) => f.type === 'ack' && f.id === `a${i}`) as { payload: { offset: number } };
      expect(position((f) => f === ack)).toBeLessThan(position((f) => f.type === 'message' && f.offset === ack.payload.offset));
    }
    expect(offsetsOf(alice.received)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
  });

  it('loses and repeats nothing across a subscribe with history while others publish', async () => {
    const { member, publisher, hub } = setup(timing);
    for (let i = 0; i < 3; i++) await publisher.publish('room', `early-${i}`, { source: 'api' });
    // Keeps a channel listener up, so publications are delivered whatever carol is doing.
    await member('watcher').send({ type: 'subscribe', id: 's', channel: 'room' });
    const carol = member('carol');
    const publishing = (async () => {
      for (let i = 0; i < 10; i++) {
        void publisher.publish('room', `during-${i}`, { source: 'api' });
        await ticks(1);
      }
    })();
    await ticks(1);
    await carol.send({ type: 'subscribe', id: 'c', channel: 'room', payload: { since: { epoch: 'e1', offset: 1 } } });
    await publishing;
    await ticks(10);

    expect(carol.received[0]).toMatchObject({ type: 'ack', id: 'c' });
    const ack = carol.received[0] as unknown as { payload: { offset: number; publications: Array<{ offset: number }> } };
    const recovered = ack.payload.publications.map((p) => p.offset);
    expect(recovered[0]).toBe(2);
    expect([...recovered, ...offsetsOf(carol.received)]).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
    expect(hub.stats).toEqual({ channels: 1, subscriptions: 2, connections: 2 });
  });
});
