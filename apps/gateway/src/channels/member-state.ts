import { transition, type TransitionTable } from '../lifecycle/index.js';

/**
 * Where one connection's membership of one channel stands:
 * - `buffering`: its subscribe is not answered yet (the history is being read); publications wait;
 * - `live`: publications go out as they arrive;
 * - `holding`: its own publish to the channel is not acked yet; publications wait behind the ack.
 */
export type MemberState = 'buffering' | 'live' | 'holding';
/**
 * `subscribe`: subscribed again; `answered`: the subscribe ack is out; `publish`: its own
 * publish began; `acked`: that publish is answered.
 */
export type MemberEvent = 'subscribe' | 'answered' | 'publish' | 'acked';

/**
 * A connection's built-in frames run one after another, so a member is never asked to
 * publish while its subscribe is still being answered, nor to subscribe while it holds.
 */
export const MEMBER_TRANSITIONS: TransitionTable<MemberState, MemberEvent> = {
  buffering: { answered: 'live' },
  live: { subscribe: 'buffering', publish: 'holding' },
  holding: { acked: 'live' },
};

export function nextMemberState(state: MemberState, event: MemberEvent): MemberState {
  return transition(MEMBER_TRANSITIONS, state, event);
}
