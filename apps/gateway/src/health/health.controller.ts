import { Controller, Get, HttpCode, Inject } from '@nestjs/common';
import { ENGINE, type Engine } from '../engine/index.js';
import { GatewayHttpException } from '../http/index.js';
import { GatewayLifecycle } from '../lifecycle/index.js';

/** Liveness and readiness probes (protocol §2). */
@Controller()
export class HealthController {
  constructor(
    private readonly lifecycle: GatewayLifecycle,
    @Inject(ENGINE) private readonly engine: Engine,
  ) {}

  /** 200 for as long as the process serves HTTP. */
  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 while accepting connections with a healthy engine; 503 with the reason otherwise. */
  @Get('ready')
  @HttpCode(200)
  async ready(): Promise<{ status: 'ready'; engine: string }> {
    if (!this.lifecycle.accepting) {
      throw new GatewayHttpException(503, 'UNAVAILABLE', `gateway is ${this.lifecycle.state}`, { 'Retry-After': '5' });
    }
    const health = await this.engine.health();
    if (!health.healthy) {
      throw new GatewayHttpException(503, 'UNAVAILABLE', `engine ${this.engine.name} does not answer: ${health.reason}`, { 'Retry-After': '5' });
    }
    return { status: 'ready', engine: this.engine.name };
  }
}
