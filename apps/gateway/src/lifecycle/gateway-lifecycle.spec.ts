import { GATEWAY_TRANSITIONS, GatewayLifecycle, type GatewayEvent, type GatewayState } from './gateway-lifecycle.js';
import { testEveryEdge } from './testing/every-edge.js';

const states = Object.keys(GATEWAY_TRANSITIONS) as GatewayState[];
const events: GatewayEvent[] = ['listening', 'drain', 'drained'];

/** Drives a fresh lifecycle into `state` through the table's own edges. */
function lifecycleIn(state: GatewayState): GatewayLifecycle {
  const lifecycle = new GatewayLifecycle();
  const path: Record<GatewayState, GatewayEvent[]> = {
    starting: [],
    ready: ['listening'],
    draining: ['listening', 'drain'],
    stopped: ['listening', 'drain', 'drained'],
  };
  for (const event of path[state]) lifecycle.dispatch(event);
  return lifecycle;
}

describe('GatewayLifecycle', () => {
  testEveryEdge(GATEWAY_TRANSITIONS, events, (from, event) => lifecycleIn(from).dispatch(event));

  it('accepts connections only while ready', () => {
    expect(states.filter((s) => lifecycleIn(s).accepting)).toEqual(['ready']);
  });
});
