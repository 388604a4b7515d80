import type { TicketGrant } from '../seams/index.js';
import type { EngineHarness } from './engine.contract.js';

const grant: TicketGrant = { userId: 'u1', claims: { sub: 'u1' }, credentialExpiresAt: 1_900_000_000_000 };

/** Ticket store behaviour: single use, TTL, one winner among concurrent takers. */
export function describeTicketContract(harness: () => EngineHarness): void {
  describe('tickets', () => {
    const tickets = () => harness().engine.tickets;

    it('returns the grant once, then null', async () => {
      await tickets().put('t-once', grant, 1_000);
      expect(await tickets().take('t-once')).toEqual(grant);
      expect(await tickets().take('t-once')).toBeNull();
    });

    it('refuses an unknown ticket', async () => {
      expect(await tickets().take('never-issued')).toBeNull();
    });

    it('refuses a ticket after its TTL', async () => {
      await tickets().put('t-ttl', grant, 100);
      await harness().advance(150);
      expect(await tickets().take('t-ttl')).toBeNull();
    });

    it('hands a ticket to exactly one of many concurrent takers', async () => {
      await tickets().put('t-race', grant, 1_000);
      const results = await Promise.all(Array.from({ length: 20 }, () => tickets().take('t-race')));
      expect(results.filter((r) => r !== null)).toHaveLength(1);
    });
  });
}
