// The dual packages are "type": "module", so Node (and TypeScript) would read dist/cjs/*.js
// and *.d.ts as ESM; this nested package.json makes that folder CommonJS. Run from the
// package's folder (npm runs workspace scripts there).
import { writeFileSync } from 'node:fs';

writeFileSync('dist/cjs/package.json', '{ "type": "commonjs" }\n');
