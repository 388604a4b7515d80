import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSchemaFiles } from './write-schema-files.js';

describe('writeSchemaFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-schemas-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes <type>.json as pretty JSON with a trailing newline, creating the folder', () => {
    const out = join(dir, 'nested', 'schemas');
    const result = writeSchemaFiles({ 'chat.send': { type: 'object' } }, out);
    expect(result).toEqual({ written: [join(out, 'chat.send.json')], stale: [] });
    expect(readFileSync(join(out, 'chat.send.json'), 'utf8')).toBe('{\n  "type": "object"\n}\n');
  });

  it('reports other .json files without deleting them', () => {
    writeFileSync(join(dir, 'chat.old.json'), '{}');
    writeFileSync(join(dir, 'notes.txt'), '');
    expect(writeSchemaFiles({ 'chat.send': {} }, dir).stale).toEqual([join(dir, 'chat.old.json')]);
    expect(existsSync(join(dir, 'chat.old.json'))).toBe(true);
  });

  it('refuses a type that would not be a file of the folder', () => {
    expect(() => writeSchemaFiles({ '../escape': {} }, dir)).toThrow('type "../escape" cannot be a file name');
    expect(() => writeSchemaFiles({ 'a\\b': {} }, dir)).toThrow('cannot be a file name');
    expect(existsSync(join(dir, '..', 'escape.json'))).toBe(false);
  });
});
