// The package is "type": "module", so Node (and TypeScript) would read dist/cjs/*.js and
// *.d.ts as ESM; this nested package.json makes that folder CommonJS.
import { writeFileSync } from 'node:fs';

writeFileSync(new URL('../dist/cjs/package.json', import.meta.url), '{ "type": "commonjs" }\n');
