import { CloseCode } from '@switchboard/protocol';

/**
 * Close codes worth a label of their own: the gateway's, and the RFC 6455 ones a peer or
 * `ws` may end a connection with. A client picks any code from 3000 to 4999 when it closes,
 * so every other code shares one label and cannot grow the metric's series.
 */
const LABELLED = new Set<number>([...Object.values(CloseCode), 1002, 1003, 1005, 1006, 1007, 1010, 1015]);

/** The `code` label of `switchboard_disconnections_total` for a close code. */
export function closeCodeLabel(code: number): string {
  return LABELLED.has(code) ? String(code) : 'other';
}
