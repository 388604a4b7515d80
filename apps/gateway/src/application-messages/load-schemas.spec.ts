import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSchemas } from './load-schemas.js';
import { SchemaError } from './schema-error.js';

describe('loadSchemas', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'message-schemas-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: unknown) =>
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));

  function loadError(): SchemaError {
    try {
      loadSchemas(dir);
    } catch (error) {
      if (error instanceof SchemaError) return error;
      throw error;
    }
    throw new Error('expected a SchemaError');
  }

  it('compiles one validator per <type>.json, whatever the draft, and ignores other files', () => {
    write('chat.send.json', {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { text: { type: 'string' }, at: { type: 'string', format: 'date-time' } },
      required: ['text'],
      additionalProperties: false,
    });
    write('legacy.json', { $schema: 'http://json-schema.org/draft-07/schema#', type: 'array', items: [{ type: 'number' }] });
    write('no-draft.json', { type: 'string', format: 'email' });
    write('anything.json', 'true');
    write('README.md', '# not a schema');

    const validators = loadSchemas(dir);

    expect([...validators.keys()].sort()).toEqual(['anything', 'chat.send', 'legacy', 'no-draft']);
    expect(validators.get('chat.send')!({ text: 'hi', at: '2024-01-01T00:00:00Z' })).toBe(true);
    expect(validators.get('chat.send')!({ text: 'hi', at: 'yesterday' })).toBe(false);
    expect(validators.get('legacy')!([1, 'rest'])).toBe(true);
    expect(validators.get('no-draft')!('a@example.com')).toBe(true);
    expect(validators.get('no-draft')!('nope')).toBe(false);
  });

  it('loads an empty folder as no schemas', () => {
    expect(loadSchemas(dir).size).toBe(0);
  });

  it.each([
    ['invalid JSON', 'bad.json', '{"type":', 'invalid JSON'],
    ['a schema that does not compile', 'bad.json', { type: 'strin' }, 'not a valid JSON Schema'],
    ['an unknown keyword (strict mode)', 'bad.json', { type: 'string', minLenght: 1 }, 'unknown keyword: "minLenght"'],
    ['an unknown format', 'bad.json', { type: 'string', format: 'colour' }, 'unknown format "colour"'],
    ['a root that is no schema', 'bad.json', '42', 'not a valid JSON Schema'],
    ['an unsupported $schema', 'bad.json', { $schema: 'http://json-schema.org/draft-04/schema#' }, 'unsupported $schema'],
    ['a built-in type', 'publish.json', { type: 'object' }, 'type "publish" is a built-in frame type'],
    ['a type of 65 characters', `${'t'.repeat(65)}.json`, { type: 'object' }, 'must have 1 to 64 characters'],
    ['an empty type', '.json', { type: 'object' }, 'must have 1 to 64 characters'],
  ])('refuses %s, naming the file', (_name, file, content, problem) => {
    write(file, content);
    const error = loadError();
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain(join(dir, file));
    expect(error.problems[0]).toContain(problem);
    expect(error.message).toContain(join(dir, file));
  });

  it('refuses a <type>.json that cannot be read', () => {
    mkdirSync(join(dir, 'folder.json'));
    expect(loadError().problems).toEqual([`${join(dir, 'folder.json')}: cannot read the file (EISDIR)`]);
  });

  it('reports every bad file at once, and loads nothing', () => {
    write('a.json', '{');
    write('b.json', { type: 'nope' });
    write('good.json', { type: 'object' });
    const error = loadError();
    expect(error.problems.map((p) => p.split(':')[0])).toEqual([join(dir, 'a.json'), join(dir, 'b.json')]);
  });

  it('refuses a path that is not a folder', () => {
    write('file.txt', '');
    expect(() => loadSchemas(join(dir, 'file.txt'))).toThrow(`${join(dir, 'file.txt')}: not a folder`);
    expect(() => loadSchemas(join(dir, 'missing'))).toThrow(`${join(dir, 'missing')}: cannot read the folder (ENOENT)`);
  });
});
