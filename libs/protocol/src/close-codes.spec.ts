import { CLOSE_REACTIONS, CloseCode } from './close-codes.js';
import { ErrorCode, RECOVERABLE } from './error-codes.js';

describe('code tables', () => {
  it('gives every close code a client reaction', () => {
    for (const code of Object.values(CloseCode)) expect(CLOSE_REACTIONS[code]).toBeDefined();
  });

  it('stops the client after 4003 and 4008, and refreshes the credential after 4001', () => {
    expect(CLOSE_REACTIONS[4003]).toBe('stop');
    expect(CLOSE_REACTIONS[4008]).toBe('stop');
    expect(CLOSE_REACTIONS[4001]).toBe('refresh-credential');
    expect(CLOSE_REACTIONS[1012]).toBe('reconnect-after-server-delay');
  });

  it('says for every error code whether a retry can succeed', () => {
    for (const code of Object.values(ErrorCode)) expect(typeof RECOVERABLE[code]).toBe('boolean');
    expect(RECOVERABLE.RATE_LIMITED).toBe(true);
    expect(RECOVERABLE.ENGINE_UNAVAILABLE).toBe(true);
    expect(RECOVERABLE.INVALID_MESSAGE).toBe(false);
  });
});
