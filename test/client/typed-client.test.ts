import { defineMessages } from '@switchboard/protocol';
import { createClient, type ClientOptions } from '@switchboard/client';
import WebSocket from 'ws';
import { z } from 'zod';

const messages = defineMessages({
  'chat.send': z.strictObject({ text: z.string().min(1) }),
  'chat.typing': z.strictObject({ room: z.string(), typing: z.boolean() }),
});

type Replies = { 'chat.send': { accepted: boolean; messageId: string } };

describe('typed client', () => {
  it('type-checks payloads and answers against the message map (checked by npm run typecheck)', async () => {
    const client = createClient<typeof messages, Replies>({
      url: 'http://127.0.0.1:9',
      getToken: () => 'unused',
      WebSocket: WebSocket as unknown as ClientOptions['WebSocket'],
      autoConnect: false,
    });
    const send = () => client.request('chat.send', { text: 'hi' });
    const reply: Awaited<ReturnType<typeof send>> = { accepted: true, messageId: 'm' };
    expect(reply.accepted).toBe(true);
    // @ts-expect-error: the payload of chat.send needs text
    const wrongPayload = () => client.request('chat.send', { body: 'hi' });
    // @ts-expect-error: chat.delete is not in the map
    const unknownType = () => client.send('chat.delete', {});
    // @ts-expect-error: the answer of chat.send has no such field
    const wrongAnswer = async () => (await client.request('chat.send', { text: 'x' })).missing;
    const untyped = async () => client.request('chat.typing', { room: 'r', typing: true });
    expect([wrongPayload, unknownType, wrongAnswer, untyped].every((f) => typeof f === 'function')).toBe(true);
    client.close();
  });
});
