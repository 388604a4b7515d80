import { CLOSE_REACTIONS } from '@switchboard/protocol';
import { closeAction } from './close-policy.js';

describe('closeAction', () => {
  it.each([
    [1000, { kind: 'close' }],
    [1001, { kind: 'reconnect', delay: 'jitter' }],
    [1008, { kind: 'reconnect', delay: 'backoff' }],
    [1009, { kind: 'reconnect', delay: 'jitter' }],
    [1011, { kind: 'reconnect', delay: 'backoff' }],
    [1012, { kind: 'reconnect', delay: 'server' }],
    [1013, { kind: 'reconnect', delay: 'backoff' }],
    [4001, { kind: 'refresh-credential' }],
    [4003, { kind: 'fail', reason: 'forbidden' }],
    [4008, { kind: 'fail', reason: 'evicted' }],
    [1006, { kind: 'reconnect', delay: 'backoff' }],
    [4000, { kind: 'reconnect', delay: 'backoff' }],
  ])('a close %i from the gateway: %j', (code, action) => {
    expect(closeAction(code, true)).toEqual(action);
  });

  it('covers every code of protocol §7', () => {
    for (const code of Object.keys(CLOSE_REACTIONS).map(Number)) expect(closeAction(code, true).kind).toBeDefined();
  });

  it('takes a close the transport made up for a failed attempt, whatever its code', () => {
    for (const code of [1000, 1001, 4001, 4003, 4008]) expect(closeAction(code, false)).toEqual({ kind: 'reconnect', delay: 'backoff' });
  });
});
