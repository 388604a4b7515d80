import { gzipSync } from 'node:zlib';
import { bundleClient, stopBundler } from '../support/client-bundle.js';

/** The budget: the client with its dependencies, minified and gzipped. */
const BUDGET_BYTES = 12 * 1024;

describe('@switchboard/client browser bundle', () => {
  afterAll(() => stopBundler());

  it('imports no Node built-in and keeps no require() call', async () => {
    const bundle = await bundleClient();
    expect(bundle.nodeBuiltins).toEqual([]);
    // esbuild's shim for a require() it could not resolve; it throws in every browser.
    expect(bundle.code).not.toContain('Dynamic require of');
  });

  it(`is at most ${BUDGET_BYTES} bytes minified and gzipped, dependencies included`, async () => {
    const bundle = await bundleClient();
    const minified = Buffer.byteLength(bundle.code);
    const gzipped = gzipSync(bundle.code, { level: 9 }).length;
    // The measured size goes in the log so a creeping bundle is visible before it fails.
    console.log(
      `@switchboard/client bundle: ${minified} B minified, ${gzipped} B gzipped ` +
        `(budget ${BUDGET_BYTES} B, ${((gzipped / BUDGET_BYTES) * 100).toFixed(1)}% used); ` +
        `inputs: ${bundle.inputs.join(', ')}`,
    );
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });
});
