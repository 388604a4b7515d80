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
    ['https://user@app.example.com', false],
    ['https://app.example.com/', false],
    ['https://app.example.com/path', false],
    ['https://app.example.com?x=1', false],
    ['https://app.example.com#x', false],
    ['https://app.example.com\\@evil.test', false],
    ['https:\\\\app.example.com', false],
    ['https://app%2eexample.com', false],
    ['https://*.example.org', false],
    ['https://app.example.com:99999', false],
    [' https://app.example.com', false],
  ])('%s -> %s', (origin, allowed) => {
    expect(allowlist.allows(origin)).toBe(allowed);
  });

  it('allows any serialized origin (and the opaque null) for a bare *, and nothing else', () => {
    expect(policy(['*']).allows('https://anything.test')).toBe(true);
    expect(policy(['*']).allows('http://[::1]:5173')).toBe(true);
    expect(policy(['*']).allows('https://evil.test/path')).toBe(false);
    expect(policy(['*']).allows('null')).toBe(true);
    expect(policy(['*']).allows('https://a.test\\@b.test')).toBe(false);
  });

  it('allows no browser origin for an empty list, but still admits non-browser clients', () => {
    expect(policy([]).allows('https://app.example.com')).toBe(false);
    expect(policy([]).allows(undefined)).toBe(true);
  });
});
