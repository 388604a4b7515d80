// The example app's application messages: the one source of the SDK's payload types and of
// the JSON Schemas in ./schemas, which `npm run schemas` regenerates. Plain JavaScript
// because the schemas CLI imports it at run time; a TypeScript map works the same once
// compiled (docs/messages.md).
import { CHANNEL_NAME_PATTERN, defineMessages } from '@switchboard/protocol';
import { z } from 'zod';

const text = z.string().min(1).max(2000);

// Strict objects: the gateway then refuses unknown keys instead of passing them to the backend.
export const messages = defineMessages({
  // What examples/backend-node answers: {"text":"hello"} is valid here too.
  'chat.send': z.strictObject({
    text,
    attachments: z
      .array(z.strictObject({ name: z.string().min(1).max(200), url: z.url() }))
      .max(10)
      .optional(),
  }),
  'chat.edit': z.strictObject({ messageId: z.string().min(1).max(64), text }),
  'chat.typing': z.strictObject({
    room: z.string().regex(CHANNEL_NAME_PATTERN).describe('channel of the room being typed in'),
    typing: z.boolean(),
  }),
});
