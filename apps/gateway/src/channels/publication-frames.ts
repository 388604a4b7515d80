import type { HistoryResult, Publication } from '../engine/index.js';

/**
 * The frames that carry publications, written around each publication's `payloadJson` so
 * that a payload is serialized once, by the publisher, however many frames carry it.
 */

/** A publication as JSON, as `message` frames and subscribe acks carry it (protocol §5–6). */
function publicationFields(p: Publication): string {
  return `"channel":${JSON.stringify(p.channel)},"payload":${p.payloadJson},"offset":${p.offset},"epoch":${JSON.stringify(p.epoch)},"ts":${p.ts}`;
}

/** The `message` frame of a publication: payload unchanged, position at top level. */
export function messageText(p: Publication): string {
  return `{"type":"message",${publicationFields(p)}}`;
}

/** The ack of a subscribe: the position and, when recovered, the publications after `since`. */
export function subscribeAckText(id: string, channel: string, history: HistoryResult, now: number): string {
  const publications = history.recovered ? history.publications.map((p) => `{${publicationFields(p)}}`).join(',') : '';
  const position = `"channel":${JSON.stringify(channel)},"epoch":${JSON.stringify(history.epoch)},"offset":${history.offset}`;
  const payload = `{${position},"recovered":${history.recovered},"publications":[${publications}]}`;
  return `{"type":"ack","id":${JSON.stringify(id)},"payload":${payload},"ts":${now}}`;
}
