import { z } from 'zod';
import * as zm from 'zod/mini';
import { defineMessages, type MessagePayload, type MessageType } from './message-map.js';

// Compile-time checks: `npm run typecheck` fails when a type helper drifts.
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const assert = <T extends true>(): T => true as T;

const messages = defineMessages({
  'chat.send': z.object({ room: z.string(), text: z.string(), tags: z.array(z.string()).optional() }),
  'chat.typing': z.object({ room: z.string(), typing: z.boolean().default(true) }),
  'mini.ping': zm.object({ n: zm.number() }),
});

assert<Equal<MessageType<typeof messages>, 'chat.send' | 'chat.typing' | 'mini.ping'>>();
assert<Equal<MessagePayload<typeof messages, 'chat.send'>, { room: string; text: string; tags?: string[] | undefined }>>();
// The input type, like the JSON Schema the gateway checks: a defaulted field is optional.
assert<Equal<MessagePayload<typeof messages, 'chat.typing'>, { room: string; typing?: boolean | undefined }>>();
assert<Equal<MessagePayload<typeof messages, 'mini.ping'>, { n: number }>>();

describe('defineMessages', () => {
  it('returns the map unchanged', () => {
    const map = { 'chat.send': z.string() };
    expect(defineMessages(map)).toBe(map);
  });
});
