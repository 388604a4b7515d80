import { testEveryEdge } from '../lifecycle/testing/every-edge.js';
import { MEMBER_TRANSITIONS, nextMemberState } from './member-state.js';

describe('channel member state table', () => {
  testEveryEdge(MEMBER_TRANSITIONS, ['subscribe', 'answered', 'publish', 'acked'], nextMemberState);
});
