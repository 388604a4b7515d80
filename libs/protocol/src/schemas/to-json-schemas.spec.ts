import { Ajv2020 } from 'ajv/dist/2020.js';
import ajvFormats from 'ajv-formats';
import { z } from 'zod';
import { defineMessages } from '../message-map.js';
import { toJsonSchemas } from './to-json-schemas.js';

const messages = defineMessages({
  'chat.send': z.object({
    room: z.string().regex(/^room:\w+$/),
    text: z.string().min(1).max(20),
    attachments: z.array(z.object({ name: z.string(), url: z.url() })).max(2).optional(),
  }),
  'poll.vote': z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('single'), option: z.int().nonnegative() }),
    z.object({ kind: z.literal('ranked'), options: z.array(z.int()).min(1) }),
  ]),
  'presence.set': z.enum(['online', 'away']).nullable(),
  'chat.typing': z.strictObject({ room: z.string(), typing: z.boolean().default(true) }),
  'score.add': z.tuple([z.string(), z.number()], z.number()),
});

/** Payloads to try on each type: zod's verdict is the expected one. */
const SAMPLES: Record<keyof typeof messages, unknown[]> = {
  'chat.send': [
    { room: 'room:1', text: 'hi' },
    { room: 'room:1', text: 'hi', attachments: [{ name: 'a', url: 'https://example.com/a.png' }] },
    { room: 'hall', text: 'hi' },
    { room: 'room:1', text: '' },
    { room: 'room:1', text: 'x'.repeat(21) },
    { room: 'room:1', text: 'hi', extra: 1 },
    { room: 'room:1', text: 'hi', attachments: [{ name: 'a' }] },
    { room: 'room:1', text: 'hi', attachments: [{ name: 'a', url: 'not a url' }] },
    { room: 'room:1', text: 'hi', attachments: [1, 2, 3] },
    { text: 'hi' },
    null,
  ],
  'poll.vote': [
    { kind: 'single', option: 2 },
    { kind: 'ranked', options: [3, 1] },
    { kind: 'single', option: -1 },
    { kind: 'single', option: 1.5 },
    { kind: 'ranked', options: [] },
    { kind: 'other' },
  ],
  'presence.set': ['online', null, 'busy', 1],
  'chat.typing': [{ room: 'r' }, { room: 'r', typing: false }, { room: 'r', typing: 'yes' }, { room: 'r', extra: 1 }],
  'score.add': [['a', 1], ['a', 1, 2, 3], ['a'], [1, 1], ['a', 1, 'b']],
};

describe('toJsonSchemas', () => {
  const schemas = toJsonSchemas(messages);

  it('emits one draft 2020-12 schema per message type', () => {
    expect(Object.keys(schemas)).toEqual(Object.keys(messages));
    for (const schema of Object.values(schemas)) {
      expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    }
  });

  it('emits schemas that ajv compiles as the gateway does and that agree with zod', () => {
    // The gateway's options (apps/gateway/src/application-messages/load-schemas.ts).
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, strictTuples: false, strictRequired: false });
    ajvFormats.default(ajv);
    for (const type of Object.keys(messages) as Array<keyof typeof messages>) {
      const validate = ajv.compile(schemas[type]);
      for (const sample of SAMPLES[type]) {
        expect({ type, sample, valid: validate(sample) }).toEqual({ type, sample, valid: messages[type].safeParse(sample).success });
      }
    }
  });

  it('refuses a type that cannot be an application message', () => {
    expect(() => toJsonSchemas({ publish: z.string() })).toThrow('message map: type "publish" is a built-in frame type');
    expect(() => toJsonSchemas({ ['x'.repeat(65)]: z.string() })).toThrow('must have 1 to 64 characters');
  });

  it('describes what a client sends: the input side of a transform', () => {
    expect(toJsonSchemas({ 'n.parse': z.string().transform(Number) })['n.parse']).toMatchObject({ type: 'string' });
  });

  it('names the type whose schema JSON cannot carry', () => {
    expect(() => toJsonSchemas({ 'chat.send': z.object({ at: z.date() }) })).toThrow(/^message "chat.send": Date cannot be represented/);
  });
});
