/** Who a fuzzed connection is: the oracle needs it to tell an allowed frame from a refused one. */
export interface FuzzContext {
  userId: string;
  /** A valid token of this connection's user: `auth` with it is acked. */
  selfToken: string;
}
