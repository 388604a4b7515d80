/** What a user may hold and what happens to one connection more. */
export interface SlotRequest {
  userId: string;
  connectionId: string;
  /** Slots the user may hold at most. */
  max: number;
  /** With `max` held, `reject` refuses and `evict-oldest` frees the oldest slots. */
  policy: 'reject' | 'evict-oldest';
  /**
   * How long the slot is held unless renewed ({@link ConnectionRegistry.renew}): a node
   * that dies stops renewing, and its slots free themselves after this.
   */
  leaseMs: number;
}

/** The outcome of asking for a connection slot. */
export type SlotResult =
  | { admitted: true; evicted: string[] }
  | { admitted: false; held: number };

/** One held slot, named by its user and connection. */
export interface SlotKey {
  userId: string;
  connectionId: string;
}

/**
 * Counts each user's open connections, across every node that shares the engine. Slots
 * are leases: the node holding a connection renews it, so a dead node's slots expire.
 */
export interface ConnectionRegistry {
  /**
   * Takes a slot for `request.connectionId`, or renews it when already held. Expired
   * slots do not count. With `evict-oldest`, the freed slots are named in `evicted`: the
   * caller closes those connections (see {@link NodeBus.closeConnection}).
   */
  acquire(request: SlotRequest): Promise<SlotResult>;
  /**
   * Extends the lease of each held slot to `leaseMs` from now.
   * @returns the slots that had expired already: they are not taken again.
   */
  renew(slots: SlotKey[], leaseMs: number): Promise<SlotKey[]>;
  /** Frees the slot; freeing one that is not held does nothing. */
  release(userId: string, connectionId: string): Promise<void>;
  /** How many unexpired slots the user holds. */
  count(userId: string): Promise<number>;
}
