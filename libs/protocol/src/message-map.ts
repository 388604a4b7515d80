// Type-only: the main entry must not load zod, so the browser SDK gets these types for free.
import type { z } from 'zod';

/**
 * Application message types mapped to the zod schema of their payload. Any zod 4 schema
 * works (`zod` or `zod/mini`); keys are frame types, see {@link applicationTypeError}.
 */
export type MessageMap = Readonly<Record<string, z.core.$ZodType>>;

/**
 * Declares the application messages in one place: the SDK takes its static types from the
 * result, and `switchboard-schemas` emits the JSON Schemas the gateway validates with.
 * Returns `messages` unchanged; it exists so that TypeScript keeps the exact keys.
 *
 * @example
 * import { z } from 'zod';
 * import { defineMessages, type MessagePayload } from '@switchboard/protocol';
 *
 * export const messages = defineMessages({
 *   'chat.send': z.object({ room: z.string(), text: z.string().min(1) }),
 * });
 * type ChatSend = MessagePayload<typeof messages, 'chat.send'>; // { room: string; text: string }
 */
export function defineMessages<const M extends MessageMap>(messages: M): M {
  return messages;
}

/** The message types of a map: the union of its keys. */
export type MessageType<M extends MessageMap> = Extract<keyof M, string>;

/**
 * The payload a client sends for message `T`: its schema's input type (`z.input`), which is
 * also what the emitted JSON Schema lets through the gateway. It equals `z.infer` unless the
 * schema has defaults or transforms; a backend that parses the payload with the same schema
 * gets `z.infer`.
 */
export type MessagePayload<M extends MessageMap, T extends MessageType<M>> = z.input<M[T]>;
