import { testEveryEdge } from '../lifecycle/testing/every-edge.js';
import { CONNECTION_TRANSITIONS, nextConnectionState } from './connection-state.js';

describe('connection state table', () => {
  testEveryEdge(CONNECTION_TRANSITIONS, ['close', 'closed'], nextConnectionState);
});
