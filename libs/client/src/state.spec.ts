import { CLIENT_TRANSITIONS, clientState, nextPhase, type ClientEvent, type ConnectionPhase } from './state.js';

const phases = Object.keys(CLIENT_TRANSITIONS) as ConnectionPhase[];
const events: ClientEvent[] = ['connect', 'dial', 'socket', 'welcome', 'wait', 'retry', 'elapse', 'advise', 'close', 'fail'];

describe('client state table', () => {
  for (const from of phases) {
    for (const event of events) {
      const to = CLIENT_TRANSITIONS[from][event];
      it(`${from} --${event}--> ${to ?? 'throws'}`, () => {
        if (to === undefined) expect(() => nextPhase(from, event)).toThrow(/illegal client transition/);
        else expect(nextPhase(from, event)).toBe(to);
      });
    }
  }

  it('keeps failed terminal', () => {
    expect(events.map((event) => CLIENT_TRANSITIONS.failed[event]).filter(Boolean)).toEqual(['failed']);
  });

  it('lets every phase but failed be closed, and reaches every phase from idle', () => {
    for (const phase of phases) expect(CLIENT_TRANSITIONS[phase].close).toBe(phase === 'failed' ? 'failed' : 'closed');
    const reached = new Set<ConnectionPhase>(['idle']);
    for (let grew = true; grew; ) {
      const before = reached.size;
      for (const phase of [...reached]) for (const to of Object.values(CLIENT_TRANSITIONS[phase])) reached.add(to);
      grew = reached.size > before;
    }
    expect([...reached].sort()).toEqual([...phases].sort());
  });

  it('shows the app one state per phase: the part before the dot', () => {
    expect(phases.map(clientState)).toEqual([
      'idle',
      'connecting',
      'connecting',
      'connecting',
      'connecting',
      'open',
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'closed',
      'failed',
    ]);
  });

  it('never goes back to connecting once a connection or attempt ended', () => {
    for (const from of phases.filter((phase) => clientState(phase) !== 'connecting' && phase !== 'closed' && phase !== 'idle')) {
      for (const to of Object.values(CLIENT_TRANSITIONS[from])) expect(clientState(to)).not.toBe('connecting');
    }
  });
});
