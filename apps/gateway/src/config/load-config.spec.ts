import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, loadConfig } from './load-config.js';

const SECRET = 'x'.repeat(32);

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({ JWT_SECRET: SECRET });
    expect(config).toMatchObject({
      production: false,
      port: 8080,
      trustProxy: false,
      jwt: { mode: 'secret', algorithms: ['HS256'], userClaim: 'sub' },
      allowedOrigins: [],
      limits: {
        maxConnectionsPerUser: 5,
        rateLimit: { messages: 60, intervalMs: 10_000, burst: 60 },
        maxMessageBytes: 65_536,
        heartbeatMs: 25_000,
      },
      connectionPolicy: 'reject',
      maxConnections: 0,
      handshakeRatePerIp: 50,
      maxBufferedBytes: 1_048_576,
      ticketTtlMs: 30_000,
      drainTimeoutMs: 30_000,
      drainSpreadMs: 5_000,
      authQueryToken: false,
      logLevel: 'info',
      engine: { kind: 'memory', slotLeaseMs: 15_000, nodeId: expect.any(String), redis: { url: 'redis://127.0.0.1:6379/0', prefix: 'sb' } },
      channels: { idempotencyWindowMs: 120_000 },
    });
    expect(config.publicUrl).toBeUndefined();
  });

  it("defaults DEMO_DIR to the repository's apps/demo/dist and resolves a relative one against the working directory", () => {
    expect(loadConfig({}).demoDir).toBe(fileURLToPath(new URL('../../../demo/dist', import.meta.url)));
    expect(loadConfig({ DEMO_DIR: 'build/demo' }).demoDir).toBe(resolve('build/demo'));
  });

  it('defaults JWKS algorithms to RS256 and ES256', () => {
    expect(loadConfig({ JWT_JWKS_URL: 'https://id.example.com/jwks.json' }).jwt).toMatchObject({
      mode: 'jwks',
      algorithms: ['RS256', 'ES256'],
    });
  });

  it('runs development mode without JWT configuration, allowing any origin unless told otherwise', () => {
    const config = loadConfig({});
    expect(config.jwt.mode).toBe('development');
    expect(config.allowedOrigins).toEqual(['*']);
    expect(loadConfig({ ALLOWED_ORIGINS: 'http://localhost:5173' }).allowedOrigins).toEqual(['http://localhost:5173']);
  });

  it('refuses development mode in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
  });

  it('collects every problem', () => {
    try {
      loadConfig({ PORT: 'x', HEARTBEAT_MS: '1' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });

  it('reads the engine settings and the publish idempotency window', () => {
    const config = loadConfig({ JWT_SECRET: SECRET, ENGINE: 'memory', SLOT_LEASE_MS: '9000', PUBLISH_IDEMPOTENCY_MS: '5000' });
    expect(config.engine).toEqual({ kind: 'memory', slotLeaseMs: 9_000, nodeId: expect.any(String), redis: { url: 'redis://127.0.0.1:6379/0', prefix: 'sb' } });
    expect(config.channels.idempotencyWindowMs).toBe(5_000);
  });

  it('reads the node id and where Redis is, and refuses names that could not be keys', () => {
    const config = loadConfig({ JWT_SECRET: SECRET, NODE_ID: 'node-a', REDIS_URL: 'rediss://cache.internal:6380/2', REDIS_PREFIX: 'prod.eu' });
    expect(config.engine).toMatchObject({ nodeId: 'node-a', redis: { url: 'rediss://cache.internal:6380/2', prefix: 'prod.eu' } });
    expect(loadConfig({ JWT_SECRET: SECRET }).engine.nodeId).not.toBe(loadConfig({ JWT_SECRET: SECRET }).engine.nodeId);
    expect(() => loadConfig({ JWT_SECRET: SECRET, NODE_ID: 'a b' })).toThrow(/NODE_ID: expected 1 to 64 letters/);
    expect(() => loadConfig({ JWT_SECRET: SECRET, REDIS_PREFIX: 'x:y' })).toThrow(/REDIS_PREFIX/);
    expect(() => loadConfig({ JWT_SECRET: SECRET, REDIS_URL: 'http://redis' })).toThrow(/REDIS_URL: expected a redis:\/\/ or rediss:\/\/ URL \(value hidden\)/);
  });

  it('takes the redis engine, and refuses one it does not know', () => {
    expect(loadConfig({ JWT_SECRET: SECRET, ENGINE: 'redis' }).engine.kind).toBe('redis');
    expect(() => loadConfig({ JWT_SECRET: SECRET, ENGINE: 'etcd' })).toThrow(/ENGINE: expected one of memory, redis/);
  });

  it('trims the trailing slash of PUBLIC_URL', () => {
    expect(loadConfig({ JWT_SECRET: SECRET, PUBLIC_URL: 'https://gw.example.com/' }).publicUrl).toBe('https://gw.example.com');
  });
});
