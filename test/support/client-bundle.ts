import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild-wasm';

/** The published ESM entry of @switchboard/client; `npm run build` writes it. */
export const CLIENT_ESM_ENTRY = fileURLToPath(new URL('../../libs/client/dist/esm/index.js', import.meta.url));

/** A browser bundle of the client with its dependencies, as an app's bundler would make it. */
export interface ClientBundle {
  /** The minified ESM source. */
  readonly code: string;
  /** Node built-ins the client's module graph tried to import; must stay empty. */
  readonly nodeBuiltins: readonly string[];
  /** The files that went into the bundle, relative to the repository root. */
  readonly inputs: readonly string[];
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));

let cached: Promise<ClientBundle> | undefined;

/**
 * Bundles libs/client/dist/esm/index.js for the browser (minified ESM, dependencies
 * included, `sideEffects` honoured), once per process. A Node built-in anywhere in the
 * graph would fail a plain `platform: 'browser'` build with an opaque "could not
 * resolve"; here it is left external and listed in `nodeBuiltins` so tests can name it.
 */
export function bundleClient(): Promise<ClientBundle> {
  cached ??= build().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function build(): Promise<ClientBundle> {
  if (!existsSync(CLIENT_ESM_ENTRY)) {
    throw new Error(`${CLIENT_ESM_ENTRY} is missing: run \`npm run build\` (or \`npm run build -w @switchboard/client\`) first`);
  }
  const nodeBuiltins: string[] = [];
  const result = await esbuild.build({
    entryPoints: [CLIENT_ESM_ENTRY],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    logLevel: 'silent',
    absWorkingDir: fileURLToPath(new URL('../..', import.meta.url)),
    plugins: [
      {
        name: 'record-node-builtins',
        setup(build) {
          build.onResolve({ filter: /.*/ }, (args) => {
            if (!NODE_BUILTINS.has(args.path)) return undefined;
            nodeBuiltins.push(`${args.path} (imported by ${args.importer})`);
            return { path: args.path, external: true };
          });
        },
      },
    ],
  });
  return {
    code: result.outputFiles[0]!.text,
    nodeBuiltins,
    inputs: Object.keys(result.metafile.inputs),
  };
}

/** Ends esbuild's helper process; later calls to `bundleClient()` still hit the cache. */
export async function stopBundler(): Promise<void> {
  await esbuild.stop();
}
