import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toJsonSchemas } from '@switchboard/protocol/schemas';
import { z } from 'zod';
import { JsonSchemaRegistry } from './json-schema-registry.js';

describe('JsonSchemaRegistry', () => {
  let dir: string;
  let registry: JsonSchemaRegistry;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'message-schemas-'));
    // The schemas come from a zod map, as in production: the round trip is part of the test.
    const schemas = toJsonSchemas({
      'todo.add': z.object({
        list: z.string(),
        items: z.array(z.object({ text: z.string(), tags: z.record(z.string(), z.number()).optional() })).min(1),
      }),
      'chat.typing': z.strictObject({ room: z.string() }),
    });
    for (const [type, schema] of Object.entries(schemas)) writeFileSync(join(dir, `${type}.json`), JSON.stringify(schema));
    registry = JsonSchemaRegistry.load(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('knows the types of the folder, sorted', () => {
    expect(registry.types).toEqual(['chat.typing', 'todo.add']);
    expect(registry.has('todo.add')).toBe(true);
    expect(registry.has('todo.remove')).toBe(false);
    expect(registry.has('publish')).toBe(false);
  });

  it('accepts a payload its schema accepts', () => {
    expect(registry.validate('todo.add', { list: 'l', items: [{ text: 'milk', tags: { p: 1 } }] })).toEqual({ ok: true });
  });

  it('names a nested failing path in the message and in details.path', () => {
    expect(registry.validate('todo.add', { list: 'l', items: [{ text: 5 }] })).toEqual({
      ok: false,
      message: 'payload/items/0/text must be string',
      details: {
        path: '/items/0/text',
        errors: [{ instancePath: '/items/0/text', keyword: 'type', message: 'must be string', params: { type: 'string' } }],
      },
    });
    expect(registry.validate('todo.add', { list: 'l', items: [{ text: 'a' }, { text: 'b', tags: { x: 'y' } }] })).toMatchObject({
      ok: false,
      message: 'payload/items/1/tags/x must be number',
      details: { path: '/items/1/tags/x' },
    });
  });

  it('points at the missing or extra property itself', () => {
    expect(registry.validate('todo.add', { list: 'l', items: [{}] })).toMatchObject({
      message: 'payload/items/0/text is required',
      details: { path: '/items/0/text', errors: [{ instancePath: '/items/0', keyword: 'required', params: { missingProperty: 'text' } }] },
    });
    expect(registry.validate('chat.typing', { room: 'r', 'a/b~c': true })).toMatchObject({
      message: 'payload/a~1b~0c is not allowed',
      details: { path: '/a~1b~0c' },
    });
  });

  it('reports a payload of the wrong shape at the root, and a missing payload', () => {
    expect(registry.validate('chat.typing', 'r')).toMatchObject({ message: 'payload must be object', details: { path: '' } });
    expect(registry.validate('chat.typing', undefined)).toMatchObject({ ok: false, details: { path: '' } });
  });

  it('refuses to validate a type it does not know: callers check has() first', () => {
    expect(() => registry.validate('nope', {})).toThrow('no schema is registered for type "nope"');
  });

  it('is empty without a folder', () => {
    const empty = JsonSchemaRegistry.load(undefined);
    expect(empty.types).toEqual([]);
    expect(empty.has('todo.add')).toBe(false);
  });
});
