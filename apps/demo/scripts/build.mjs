// Bundles the demo into dist/ with esbuild-wasm: native esbuild (and Vite's rollup)
// binaries cannot be installed on every machine this repository is built on.
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild-wasm';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = `${root}dist`;
const started = performance.now();

await rm(dist, { recursive: true, force: true });
await mkdir(dist);
try {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: ['src/main.tsx'],
    outfile: 'dist/app.js',
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    sourcemap: 'linked',
    logLevel: 'warning',
  });
} finally {
  // The wasm service would otherwise keep the process alive.
  await esbuild.stop();
}
await Promise.all([copyFile(`${root}index.html`, `${dist}/index.html`), copyFile(`${root}src/app.css`, `${dist}/app.css`)]);

const app = await readFile(`${dist}/app.js`);
const kB = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;
const ms = Math.round(performance.now() - started);
console.log(`apps/demo/dist/app.js: ${kB(app.length)} (${kB(gzipSync(app).length)} gzipped), built in ${ms} ms`);
