import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { type RunningGateway } from '../support/gateway-process.js';
import { useGateway } from '../support/gateway-resource.js';
import { connect } from '../support/test-socket.js';
import { SECRET_ENV, ticketUrl } from '../support/tokens.js';

const API_KEY = 'test-api-key-0123456789abcdef0123456789';
/** The machine's Redis is shared: this run's keys live under their own prefix, removed at the end. */
const PREFIX = `sb-test-cluster-${process.pid}-${randomUUID().slice(0, 8)}`;
const CLUSTER_ENV = { ...SECRET_ENV, API_KEY, ENGINE: 'redis', REDIS_PREFIX: PREFIX, HISTORY_SIZE: '10', MAX_CONNECTIONS_PER_USER: '2' };

const publish = (gw: RunningGateway, channel: string, payload: unknown) =>
  fetch(gw.http('/api/publish'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ channel, payload }),
  });

describe('two gateway nodes on one Redis', () => {
  afterAll(async () => {
    const redis = new Redis('redis://127.0.0.1:6379/0');
    for await (const keys of redis.scanStream({ match: `${PREFIX}:*`, count: 500 })) if (keys.length > 0) await redis.unlink(...keys);
    await redis.quit();
  });
  const a = useGateway({ ...CLUSTER_ENV, NODE_ID: 'node-a' });
  const b = useGateway({ ...CLUSTER_ENV, NODE_ID: 'node-b' });

  it('delivers a publication made through node A to a subscriber on node B, and shares its history', async () => {
    const { client } = await connect(await ticketUrl(b, 'cluster-reader'));
    await client.request({ type: 'subscribe', id: 's', channel: 'user:cluster-reader' });
    const response = await publish(a, 'user:cluster-reader', { from: 'a' });
    expect(response.status).toBe(200);
    const position = await response.json();
    expect(await client.nextOfType('message')).toMatchObject({ channel: 'user:cluster-reader', payload: { from: 'a' }, offset: position.offset, epoch: position.epoch });
    await client.close();

    const { client: late } = await connect(await ticketUrl(a, 'cluster-reader'));
    const ack = await late.request({ type: 'subscribe', id: 's', channel: 'user:cluster-reader', payload: { since: { epoch: position.epoch, offset: 0 } } });
    expect(ack.payload).toMatchObject({ recovered: true, publications: [expect.objectContaining({ offset: position.offset, payload: { from: 'a' } })] });
    await late.close();
  });

  it('holds the per-user connection cap across both nodes', async () => {
    const first = await connect(await ticketUrl(a, 'cluster-capped'));
    const second = await connect(await ticketUrl(b, 'cluster-capped'));
    await expect(connect(await ticketUrl(a, 'cluster-capped'))).rejects.toThrow('handshake refused: 429');
    await expect(connect(await ticketUrl(b, 'cluster-capped'))).rejects.toThrow('handshake refused: 429');
    await first.client.close();
    await second.client.close();
  });
});
