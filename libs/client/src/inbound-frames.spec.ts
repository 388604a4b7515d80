import { acceptFrame } from './inbound-frames.js';

const limits = { maxConnectionsPerUser: 5, rateLimit: { messages: 60, intervalMs: 10_000, burst: 60 }, maxMessageBytes: 65_536, heartbeatMs: 25_000 };
const welcome = JSON.stringify({ type: 'welcome', payload: { connectionId: 'c', userId: 'u', protocol: 1, heartbeatMs: 25_000, expiresAt: 2e12, limits, serverTime: 1 }, ts: 1 });
const subscribeAck = { channel: 'room:1', epoch: 'e', offset: 0, recovered: false, publications: [] };
const ack = (id: string, payload: unknown) => JSON.stringify({ type: 'ack', id, payload, ts: 1 });
const pending = { awaitsSubscribeAck: (id: string) => id === 's1' };

describe('acceptFrame', () => {
  it('accepts the first welcome and refuses another on the same connection', () => {
    expect(acceptFrame(welcome, false, pending)).toMatchObject({ ok: true });
    expect(acceptFrame(welcome, true, pending)).toEqual({ ok: false, code: 'INVALID_MESSAGE', message: 'welcome: a second one on the same connection' });
  });

  it('refuses an ack of a waiting subscribe unless it is a subscribe ack', () => {
    expect(acceptFrame(ack('s1', subscribeAck), true, pending)).toMatchObject({ ok: true });
    for (const payload of [null, 'ok', { ...subscribeAck, recovered: true, publications: null }]) {
      expect(acceptFrame(ack('s1', payload), true, pending)).toMatchObject({ ok: false, code: 'INVALID_MESSAGE', message: expect.stringContaining('"s1" is not a subscribe ack') });
    }
  });

  it('leaves every other ack payload alone: only the request says what it should be', () => {
    expect(acceptFrame(ack('r1', null), true, pending)).toMatchObject({ ok: true });
    expect(acceptFrame(ack('r1', 'anything'), true, pending)).toMatchObject({ ok: true });
  });

  it('passes on what the parser refuses, unchanged', () => {
    expect(acceptFrame('null', true, pending)).toEqual({ ok: false, code: 'INVALID_MESSAGE', message: 'frame must be a JSON object' });
    expect(acceptFrame('{', false, pending)).toMatchObject({ ok: false, code: 'INVALID_JSON' });
  });
});
