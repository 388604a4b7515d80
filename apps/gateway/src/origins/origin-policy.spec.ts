import type { GatewayConfig } from '../config/index.js';
import { OriginPolicy } from './origin-policy.js';

const policy = (allowedOrigins: string[]) => new OriginPolicy({ allowedOrigins } as GatewayConfig);

describe('OriginPolicy', () => {
  const allowlist = policy(['https://app.example.com', 'https://*.example.org', 'http://localhost:5173']);

  it.each([
    [undefined, true],
    ['https://app.example.com', true],
    ['https://APP.example.com', true],
    ['https://app.example.com:443', true],
    ['https://a.example.org', true],
    ['http://localhost:5173', true],
    ['https://a.b.example.org', false],
    ['https://example.org', false],
    ['https://.example.org', false],
    ['https://evilexample.org', false],
    ['http://app.example.com', false],
    ['https://app.example.com:444', false],
    ['http://localhost', false],
    ['null', false],
    ['file://', false],
    ['not an origin', false],
  ])('%s -> %s', (origin, allowed) => {
    expect(allowlist.allows(origin)).toBe(allowed);
  });

  it('allows any origin for a bare *', () => {
    expect(policy(['*']).allows('https://anything.test')).toBe(true);
  });

  it('allows no browser origin for an empty list, but still admits non-browser clients', () => {
    expect(policy([]).allows('https://app.example.com')).toBe(false);
    expect(policy([]).allows(undefined)).toBe(true);
  });
});
