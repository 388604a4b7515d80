export interface Room {
  name: string;
  /** The demo's token does not grant publishing here, so the gateway refuses with FORBIDDEN. */
  readOnly: boolean;
}

export const ROOMS: readonly Room[] = [
  { name: 'general', readOnly: false },
  { name: 'random', readOnly: false },
  { name: 'announcements', readOnly: true },
];

/** Messages kept per room. */
export const ROOM_HISTORY = 200;

export const channelOf = (room: Room): string => `room:${room.name}`;

export interface ChatMessage {
  from: string;
  text: string;
}

/** Anyone allowed to publish to a room may send any JSON: what is not a chat message is shown as raw JSON. */
export function toChatMessage(payload: unknown): ChatMessage {
  const { from, text } = (payload ?? {}) as Partial<Record<keyof ChatMessage, unknown>>;
  return typeof from === 'string' && typeof text === 'string' ? { from, text } : { from: '?', text: JSON.stringify(payload) };
}
