import { once } from 'node:events';
import { useGateway } from '../support/gateway-resource.js';
import { metric } from '../support/metrics.js';
import { maskedTextFrame, parseServerFrames, rawUpgrade } from '../support/raw-socket.js';
import { connect } from '../support/test-socket.js';
import { SECRET_ENV, ticketUrl } from '../support/tokens.js';


describe('heartbeat', () => {
  const gw = useGateway({ ...SECRET_ENV, HEARTBEAT_MS: '300', MAX_CONNECTIONS_PER_USER: '1' });

  it('keeps a client that answers pings', async () => {
    const { client } = await connect(await ticketUrl(gw, 'responsive'));
    for (let i = 0; i < 3; i++) await once(client.socket, 'ping');
    expect((await client.request({ type: 'ping', id: 'ok' })).type).toBe('pong');
    await client.close();
  });

  it('terminates a client that stops answering pings and frees its slot', async () => {
    const { socket } = await rawUpgrade(await ticketUrl(gw, 'silent'));
    expect(await metric(gw, 'switchboard_connections_active')).toBe(1);
    await once(socket, 'close');
    await gw.waitForLog((l) => l.msg === 'connection closed' && l.userId === 'silent');
    expect(await metric(gw, 'switchboard_connections_active')).toBe(0);
    const { client } = await connect(await ticketUrl(gw, 'silent'));
    await client.close();
  });
});

describe('backpressure', () => {
  const maxBuffered = 65_536;
  const gw = useGateway({ ...SECRET_ENV, MAX_BUFFERED_BYTES: String(maxBuffered), MAX_CONNECTIONS_PER_USER: '1' });

  it('closes 1008 backpressure a client that stops reading, and stops queueing for it', async () => {
    const { socket, leftover } = await rawUpgrade(await ticketUrl(gw, 'slow-reader'));
    socket.pause();
    const ping = maskedTextFrame(JSON.stringify({ type: 'ping', id: 'p'.repeat(64) }));
    const batch = Buffer.concat(Array.from({ length: 5_000 }, () => ping));
    const closing = gw.waitForLog((l) => l.msg === 'closing for backpressure');
    let tripped = false;
    void closing.then(() => (tripped = true));
    let sent = 0;
    // Bounded flood: 200 batches would be ~100 MB of pongs, far beyond any socket buffer.
    for (let i = 0; i < 200 && !tripped; i++) {
      if (!socket.write(batch)) await once(socket, 'drain');
      sent += 5_000;
    }
    const log = await closing;
    expect(log.bufferedBytes).toBeGreaterThan(maxBuffered);
    // The bound on the gateway's memory for this client: the limit plus the one frame that crossed it.
    expect(log.bufferedBytes).toBeLessThanOrEqual(maxBuffered + 256);
    // More pings after the close must not be answered or queued.
    for (let i = 0; i < 4; i++) socket.write(batch);
    sent += 20_000;

    const received: Buffer[] = [leftover];
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      if (parseServerFrames(Buffer.concat(received)).some((f) => f.opcode === 0x8)) socket.end();
    });
    socket.resume();
    await once(socket, 'close');
    const frames = parseServerFrames(Buffer.concat(received));
    const close = frames.find((f) => f.opcode === 0x8)!;
    expect(close.payload.readUInt16BE(0)).toBe(1008);
    expect(close.payload.subarray(2).toString()).toBe('backpressure');
    const pongs = frames.filter((f) => f.opcode === 0x1 && f.payload.includes('"pong"')).length;
    expect(pongs).toBeLessThan(sent);

    await gw.waitForLog((l) => l.msg === 'connection closed' && l.userId === 'slow-reader');
    const { client } = await connect(await ticketUrl(gw, 'slow-reader'));
    await client.close();
  });
});
