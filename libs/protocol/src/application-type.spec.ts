import { applicationTypeError } from './application-type.js';

describe('applicationTypeError', () => {
  it('accepts any type of 1 to 64 characters that is not built in', () => {
    for (const type of ['a', 'chat.send', 'x'.repeat(64), 'message', 'ack']) expect(applicationTypeError(type)).toBeUndefined();
  });

  it('names the problem of a type that cannot be an application message', () => {
    expect(applicationTypeError('')).toBe('type "" must have 1 to 64 characters');
    expect(applicationTypeError('x'.repeat(65))).toMatch(/must have 1 to 64 characters$/);
    for (const type of ['ping', 'auth', 'subscribe', 'unsubscribe', 'publish']) {
      expect(applicationTypeError(type)).toBe(`type "${type}" is a built-in frame type`);
    }
  });
});
