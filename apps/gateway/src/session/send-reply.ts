import type { Connection } from '../connections/index.js';
import type { FrameReply } from '../frames/index.js';

/** Sends a handler's answer, then runs what must follow it (publications held behind an ack). */
export function sendReply(connection: Connection, reply: FrameReply): void {
  if ('frame' in reply) connection.send(reply.frame);
  else connection.sendText(reply.text, reply.type);
  reply.afterSend?.();
}
