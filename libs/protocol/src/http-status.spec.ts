import { errorCodeForStatus } from './http-status.js';

describe('errorCodeForStatus', () => {
  it.each([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHORIZED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [413, 'MESSAGE_TOO_LARGE'],
    [429, 'RATE_LIMITED'],
    [500, 'INTERNAL'],
    [502, 'UNAVAILABLE'],
    [503, 'UNAVAILABLE'],
    [504, 'UNAVAILABLE'],
  ])('reads %i as %s', (status, code) => {
    expect(errorCodeForStatus(status)).toBe(code);
  });

  it('falls back by class: INTERNAL for another 5xx, BAD_REQUEST for the rest', () => {
    expect(errorCodeForStatus(501)).toBe('INTERNAL');
    expect(errorCodeForStatus(418)).toBe('BAD_REQUEST');
    expect(errorCodeForStatus(Number.NaN)).toBe('BAD_REQUEST');
  });
});
