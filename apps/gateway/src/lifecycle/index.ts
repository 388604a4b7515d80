export { GatewayLifecycle, GATEWAY_TRANSITIONS, type GatewayState, type GatewayEvent } from './gateway-lifecycle.js';
export { transition, IllegalTransitionError, type TransitionTable } from './state-machine.js';
export { LifecycleModule } from './lifecycle.module.js';
