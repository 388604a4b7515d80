import { Injectable } from '@nestjs/common';
import { transition, type TransitionTable } from './state-machine.js';

/** The node's lifecycle: it serves only while `ready`. */
export type GatewayState = 'starting' | 'ready' | 'draining' | 'stopped';
export type GatewayEvent = 'listening' | 'drain' | 'drained';

export const GATEWAY_TRANSITIONS: TransitionTable<GatewayState, GatewayEvent> = {
  starting: { listening: 'ready', drain: 'draining' },
  ready: { drain: 'draining' },
  draining: { drained: 'stopped' },
  stopped: {},
};

/** Holds the node's {@link GatewayState}; readiness and admission read it. */
@Injectable()
export class GatewayLifecycle {
  private current: GatewayState = 'starting';

  get state(): GatewayState {
    return this.current;
  }

  /** True once listening and until a drain begins. */
  get accepting(): boolean {
    return this.current === 'ready';
  }

  dispatch(event: GatewayEvent): GatewayState {
    this.current = transition(GATEWAY_TRANSITIONS, this.current, event);
    return this.current;
  }
}
