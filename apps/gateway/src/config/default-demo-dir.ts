import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's `apps/demo/dist`, found from the gateway's own files: up from this file
 * to the gateway package (the first folder with a package.json), then `../demo/dist`.
 * Walking up rather than counting `..` keeps it right however deep this file lands
 * (`src/config` under ts-jest, `dist/config` or elsewhere once compiled). Node runs these
 * files as ESM only because a package.json above them says so, so the walk finds one.
 */
export function defaultDemoDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, '..', 'demo', 'dist');
}
