import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonSchema } from '../schemas/index.js';

/** What {@link writeSchemaFiles} did. */
export interface WriteResult {
  /** Paths written, one per message type. */
  written: string[];
  /** Other `.json` files already in the folder: the gateway would load them too. */
  stale: string[];
}

/**
 * Writes `<outDir>/<type>.json` for each schema (pretty JSON, trailing newline), creating
 * the folder when needed. Files of types no longer in the map are reported, never deleted:
 * the folder may hold schemas that come from somewhere else.
 * @throws {Error} when a type cannot be a file name, or on any file-system error.
 */
export function writeSchemaFiles(schemas: Record<string, JsonSchema>, outDir: string): WriteResult {
  const types = Object.keys(schemas);
  const unsafe = types.find((type) => /[/\\\0]/.test(type));
  if (unsafe !== undefined) throw new Error(`type ${JSON.stringify(unsafe)} cannot be a file name`);

  mkdirSync(outDir, { recursive: true });
  const written = types.map((type) => {
    const file = join(outDir, `${type}.json`);
    writeFileSync(file, `${JSON.stringify(schemas[type], null, 2)}\n`);
    return file;
  });
  const expected = new Set(types.map((type) => `${type}.json`));
  const stale = readdirSync(outDir)
    .filter((name) => name.endsWith('.json') && !expected.has(name))
    .map((name) => join(outDir, name));
  return { written, stale };
}
