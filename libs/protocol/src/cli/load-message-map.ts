import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MessageMap } from '../message-map.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Imports the module at `modulePath` (relative to the working directory) and returns its
 * message map: the export named `messages`, else the default export.
 * @throws {Error} when the module cannot be imported or exports no map of zod 4 schemas.
 */
export async function loadMessageMap(modulePath: string): Promise<MessageMap> {
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(resolve(modulePath)).href)) as Record<string, unknown>;
  } catch (error) {
    const hint =
      (error as { code?: unknown }).code === 'ERR_UNKNOWN_FILE_EXTENSION'
        ? ' (compile TypeScript first, or run through a loader: node --import tsx …)'
        : '';
    throw new Error(`cannot import ${modulePath}: ${(error as Error).message}${hint}`, { cause: error });
  }
  const map = module.messages ?? module.default;
  if (!isRecord(map)) {
    throw new Error(`${modulePath} must export its message map as "messages" or as the default export`);
  }
  for (const [type, schema] of Object.entries(map)) {
    // Duck-typed: the module may load its own copy of zod, so instanceof would lie.
    if (!isRecord(schema) || !('_zod' in schema)) {
      throw new Error(`${modulePath}: message "${type}" is not a zod 4 schema`);
    }
  }
  return map as MessageMap;
}
