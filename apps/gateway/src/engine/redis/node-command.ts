import type { NodeCommandHandler } from '../seams/index.js';

/** A command one node sends to others over the bus, as JSON on pub/sub and in inboxes. */
export type NodeCommand =
  | { id: string; replyTo: string; kind: 'closeConnection'; connectionId: string; code: number; reason: string }
  | { id: string; replyTo: string; kind: 'closeUser'; userId: string; code: number; reason: string }
  | { id: string; replyTo: string; kind: 'drain' };

/** A node's answer to one command: its share of the result. */
export interface NodeReply {
  id: string;
  nodeId: string;
  value: boolean | number;
}

/** Carries out `command` with `handler`; the value is this node's share. */
export async function runCommand(handler: NodeCommandHandler, command: NodeCommand): Promise<boolean | number> {
  switch (command.kind) {
    case 'closeConnection':
      return handler.closeConnection(command.connectionId, command.code, command.reason);
    case 'closeUser':
      return handler.closeUser(command.userId, command.code, command.reason);
    case 'drain':
      await handler.drain();
      return true;
  }
}

/** Parses JSON text as a command, or undefined when it is not one (it came from elsewhere). */
export function parseCommand(text: string): NodeCommand | undefined {
  try {
    const value = JSON.parse(text) as Partial<NodeCommand> | null;
    if (!value || typeof value.id !== 'string' || typeof value.replyTo !== 'string') return undefined;
    if (value.kind !== 'closeConnection' && value.kind !== 'closeUser' && value.kind !== 'drain') return undefined;
    return value as NodeCommand;
  } catch {
    return undefined;
  }
}

/** Parses JSON text as a reply, or undefined when it is not one. */
export function parseReply(text: string): NodeReply | undefined {
  try {
    const value = JSON.parse(text) as Partial<NodeReply> | null;
    if (!value || typeof value.id !== 'string' || typeof value.nodeId !== 'string') return undefined;
    if (typeof value.value !== 'boolean' && typeof value.value !== 'number') return undefined;
    return value as NodeReply;
  } catch {
    return undefined;
  }
}
