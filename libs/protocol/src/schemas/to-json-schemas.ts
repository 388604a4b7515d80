import { z } from 'zod';
import { applicationTypeError } from '../application-type.js';
import type { MessageMap, MessageType } from '../message-map.js';

/** A JSON Schema document (draft 2020-12), as `JSON.stringify` will write it. */
export type JsonSchema = Record<string, unknown>;

/**
 * Converts each schema of a message map to the draft 2020-12 JSON Schema the gateway
 * loads from `MESSAGE_SCHEMAS_DIR`, one document per message type. The JSON Schema
 * describes the schema's input, what `safeParse` accepts: a plain `z.object` lets unknown
 * keys through as zod does, `z.strictObject` refuses them. Refinements, `catch` and
 * coercion have no JSON Schema equivalent and are left out.
 *
 * @throws {Error} naming the type when a key is not a valid application type, or when a
 * schema uses what JSON has no value for (dates, bigints, maps…).
 *
 * @example
 * import { toJsonSchemas } from '@switchboard/protocol/schemas';
 *
 * const schemas = toJsonSchemas(messages);
 * schemas['chat.send']; // { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', … }
 */
export function toJsonSchemas<M extends MessageMap>(messages: M): Record<MessageType<M>, JsonSchema> {
  const schemas = {} as Record<MessageType<M>, JsonSchema>;
  for (const type of Object.keys(messages) as Array<MessageType<M>>) {
    const problem = applicationTypeError(type);
    if (problem) throw new Error(`message map: ${problem}`);
    try {
      // The gateway sees what clients send, before any parse: that is the schema's input.
      schemas[type] = z.toJSONSchema(messages[type], { io: 'input' }) as JsonSchema;
    } catch (error) {
      throw new Error(`message "${type}": ${(error as Error).message}`, { cause: error });
    }
  }
  return schemas;
}
