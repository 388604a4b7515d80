/**
 * What a node does with the commands the bus brings it, for the connections it holds.
 * Each answer is this node's share: the bus adds them up across nodes.
 */
export interface NodeCommandHandler {
  /** Closes the connection if this node holds it open; true when it did. */
  closeConnection(connectionId: string, code: number, reason: string): boolean;
  /** Closes every open connection of `userId` on this node; how many it closed. */
  closeUser(userId: string, code: number, reason: string): number;
  /** Starts draining this node (it stops admitting and sends its clients elsewhere); resolves once begun, not finished. */
  drain(): Promise<void>;
}

/**
 * Commands addressed to connections, or to a node, wherever they are. The memory bus
 * carries them in-process; a cluster engine carries them between nodes. Every command
 * resolves once each node it reached has carried it out.
 */
export interface NodeBus {
  /**
   * Serves commands for node `nodeId` with `handler` until the returned stop is called.
   * Each node serves under its own id, `Engine.nodeId`; one id is served once at a time.
   */
  serve(nodeId: string, handler: NodeCommandHandler): Promise<() => Promise<void>>;
  /** Closes one connection on whichever node holds it; true when one did. */
  closeConnection(connectionId: string, code: number, reason: string): Promise<boolean>;
  /** Closes every connection of `userId` on every node; resolves with how many were closed. */
  closeUser(userId: string, code: number, reason: string): Promise<number>;
  /** Asks node `nodeId` to drain; true when a node of that id is served and began. */
  drain(nodeId: string): Promise<boolean>;
}
