import { isSubscribeAck, parseServerFrame, type ServerParseResult } from '@switchboard/protocol';

/** Who knows which ids are subscribes waiting for their ack. */
export interface PendingSubscribes {
  awaitsSubscribeAck(id: string): boolean;
}

const refused = (message: string): ServerParseResult => ({ ok: false, code: 'INVALID_MESSAGE', message });

/**
 * Parses a frame from the gateway ({@link parseServerFrame}) and checks that it fits the
 * connection it came on (`welcomed`: whether it has had its welcome). A frame refused here
 * is dropped before it can change anything: the client reports it and carries on, and
 * whatever waits for an answer waits on.
 *
 * @example
 * const result = acceptFrame(String(event.data), welcomed, subscriptions);
 * if (!result.ok) report(result);
 */
export function acceptFrame(text: string, welcomed: boolean, subscribes: PendingSubscribes): ServerParseResult {
  const parsed = parseServerFrame(text);
  if (!parsed.ok) return parsed;
  const { frame } = parsed;
  // The welcome is the first frame, once (protocol §5): another would restart an open connection.
  if (frame.type === 'welcome' && welcomed) return refused('welcome: a second one on the same connection');
  // Only the request says what an ack answers. Refused, a malformed subscribe ack leaves the
  // subscribe waiting, so a valid answer after it still counts.
  if (frame.type === 'ack' && subscribes.awaitsSubscribeAck(frame.id as string) && !isSubscribeAck(frame.payload)) {
    return refused(`ack: "payload" of the answer to subscribe ${JSON.stringify(frame.id)} is not a subscribe ack`);
  }
  return parsed;
}
