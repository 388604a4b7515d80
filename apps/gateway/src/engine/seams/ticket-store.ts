/** What a ticket stands for: the user and the JWT it was issued against. */
export interface TicketGrant {
  userId: string;
  claims: Record<string, unknown>;
  /** ms since epoch when the JWT behind the ticket expires; the connection ends then. */
  credentialExpiresAt: number;
}

/**
 * Holds tickets between `POST /ws/ticket` and the handshake that spends them; a ticket
 * issued on one node may be spent on another.
 */
export interface TicketStore {
  /** Keeps `grant` under `ticket` for `ttlMs`. */
  put(ticket: string, grant: TicketGrant, ttlMs: number): Promise<void>;
  /** Returns the grant and forgets it, so a ticket works once; null when unknown or expired. */
  take(ticket: string): Promise<TicketGrant | null>;
}
