#!/usr/bin/env node
import { toJsonSchemas } from '../schemas/index.js';
import { loadMessageMap } from './load-message-map.js';
import { writeSchemaFiles } from './write-schema-files.js';

const USAGE = `usage: switchboard-schemas <module> <outDir>

Imports <module> (JavaScript; its export "messages" or its default export is a message
map made with defineMessages) and writes <outDir>/<type>.json, one JSON Schema per
message type, for the gateway's MESSAGE_SCHEMAS_DIR.
`;

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(USAGE);
} else if (args.length !== 2) {
  process.stderr.write(USAGE);
  process.exitCode = 2;
} else {
  const [modulePath, outDir] = args;
  try {
    const { written, stale } = writeSchemaFiles(toJsonSchemas(await loadMessageMap(modulePath)), outDir);
    for (const file of written) process.stdout.write(`wrote ${file}\n`);
    for (const file of stale) {
      process.stderr.write(`warning: ${file} matches no message of the map; delete it if that type is gone\n`);
    }
  } catch (error) {
    process.stderr.write(`switchboard-schemas: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
