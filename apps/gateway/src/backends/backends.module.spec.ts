import 'reflect-metadata';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/index.js';
import { MetricsModule } from '../metrics/index.js';
import { BACKEND_BRIDGE, type BackendBridge } from './backend-bridge.js';
import { BackendsModule } from './backends.module.js';
import { HttpBackendBridge } from './http-backend-bridge.js';
import { NO_BACKEND_MESSAGE, NoBackendBridge } from './no-backend-bridge.js';

@Global()
@Module({})
class ConfigModule {
  static with(config: Partial<GatewayConfig>): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: GATEWAY_CONFIG, useValue: config }], exports: [GATEWAY_CONFIG] };
  }
}

async function bridgeIn(config: Partial<GatewayConfig>) {
  @Module({ imports: [LoggerModule.forRoot({ pinoHttp: { level: 'silent' } }), ConfigModule.with(config), MetricsModule, BackendsModule] })
  class TestModule {}
  const app = await NestFactory.createApplicationContext(TestModule, { logger: false });
  return { app, bridge: app.get<BackendBridge>(BACKEND_BRIDGE) };
}

describe('BackendsModule', () => {
  it('answers BACKEND_UNAVAILABLE, saying how to configure a backend, without BACKEND_URL', async () => {
    const { app, bridge } = await bridgeIn({});
    expect(bridge).toBeInstanceOf(NoBackendBridge);
    const outcome = await bridge.deliver({ type: 't', id: '1', payload: null, user: { id: 'u', claims: {} }, connectionId: 'c' });
    expect(outcome).toEqual({ ok: false, code: 'BACKEND_UNAVAILABLE', message: NO_BACKEND_MESSAGE });
    expect(NO_BACKEND_MESSAGE).toMatch(/BACKEND_URL.*BACKEND_SECRET.*docs\/backends\.md/);
    await app.close();
  });

  it('bridges over HTTP with BACKEND_URL, and closes the bridge on shutdown', async () => {
    const backend = {
      url: 'http://127.0.0.1:9/messages',
      secret: 's'.repeat(32),
      timeoutMs: 1_000,
      maxConnections: 1,
      breaker: { errorPercent: 50, minRequests: 10, resetMs: 10_000 },
    };
    const { app, bridge } = await bridgeIn({ backend });
    expect(bridge).toBeInstanceOf(HttpBackendBridge);
    const close = bridge.close.bind(bridge);
    let closed = false;
    bridge.close = async () => {
      closed = true;
      await close();
    };
    await app.close();
    expect(closed).toBe(true);
  });
});
