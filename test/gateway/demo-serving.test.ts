import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type RunningGateway } from '../support/gateway-process.js';
import { useGateway, withGateway } from '../support/gateway-resource.js';
import { SECRET_ENV } from '../support/tokens.js';

// Laid out as `vite build` writes it: index.html, and content-hashed files under assets/.
const INDEX_HTML = '<!doctype html><title>demo</title><script type="module" src="./assets/index-Ab12Cd.js"></script>';
const APP_JS = 'console.log("demo");';

/** Resolves once the process has printed `text`: the banner goes to stderr, apart from the JSON log lines. */
function printed(gw: RunningGateway, text: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!gw.output().includes(text)) return;
      gw.child.stdout!.off('data', check);
      gw.child.stderr!.off('data', check);
      resolve();
    };
    gw.child.stdout!.on('data', check);
    gw.child.stderr!.on('data', check);
    check();
  });
}

async function expectNotFound(gw: RunningGateway, path: string): Promise<void> {
  const response = await fetch(gw.http(path), { redirect: 'manual' });
  expect(response.status).toBe(404);
  expect((await response.json()).error.code).toBe('NOT_FOUND');
}

describe('the demo app at /demo/', () => {
  let demoDir: string;
  beforeAll(() => {
    demoDir = mkdtempSync(join(tmpdir(), 'switchboard-demo-'));
    writeFileSync(join(demoDir, 'index.html'), INDEX_HTML);
    mkdirSync(join(demoDir, 'assets'));
    writeFileSync(join(demoDir, 'assets', 'index-Ab12Cd.js'), APP_JS);
  });
  afterAll(() => rmSync(demoDir, { recursive: true, force: true }));

  describe('in development mode with a built demo', () => {
    const gw = useGateway(() => ({ DEMO_DIR: demoDir }));

    it('serves index.html at /demo/, never cached', async () => {
      const response = await fetch(gw.http('/demo/'));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/html');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toBe(INDEX_HTML);
    });

    it('serves the hashed assets beside it, cached for good (a new build has new names)', async () => {
      const response = await fetch(gw.http('/demo/assets/index-Ab12Cd.js'));
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('javascript');
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(await response.text()).toBe(APP_JS);
    });

    it('redirects /demo to /demo/, where relative asset URLs resolve', async () => {
      const response = await fetch(gw.http('/demo'), { redirect: 'manual' });
      expect([301, 302]).toContain(response.status);
      expect(response.headers.get('location')).toBe('/demo/');
    });

    it('answers a missing asset like any unknown route', async () => {
      await expectNotFound(gw, '/demo/assets/missing.js');
    });

    it('logs and prints the demo URL', async () => {
      const url = `http://localhost:${gw.port}/demo/`;
      expect(await gw.waitForLog((l) => l.msg === 'demo served')).toMatchObject({ url, dir: demoDir });
      await printed(gw, `Demo:            ${url}`);
    });
  });

  it('is not served once JWT configuration is given', async () => {
    const gw = await withGateway({ ...SECRET_ENV, DEMO_DIR: demoDir }, async (gw) => {
      await expectNotFound(gw, '/demo/');
      await expectNotFound(gw, '/demo');
      return gw;
    });
    // Stopped, so the output is complete.
    expect(gw.output()).not.toContain(`localhost:${gw.port}/demo/`);
    expect(gw.output()).not.toContain('demo served');
  });

  it('is not served, and says how to build it, when the folder is missing', async () => {
    const missing = join(demoDir, 'not-built');
    const gw = await withGateway({ DEMO_DIR: missing }, async (gw) => {
      await expectNotFound(gw, '/demo/');
      const warning = await gw.waitForLog((l) => l.level === 40 && l.dir === missing);
      expect(warning.msg).toMatch(/demo not built.*npm run build/);
      return gw;
    });
    expect(gw.output()).toContain('DEVELOPMENT MODE (not for production)');
    expect(gw.output()).not.toContain(`localhost:${gw.port}/demo/`);
  });

  it("defaults DEMO_DIR to the repository's apps/demo/dist", async () => {
    await withGateway({ DEMO_DIR: '' }, async (gw) => {
      const line = await gw.waitForLog((l) => l.msg === 'demo served' || (typeof l.msg === 'string' && l.msg.startsWith('demo not built')));
      expect(line.dir).toBe(fileURLToPath(new URL('../../apps/demo/dist', import.meta.url)));
    });
  });
});
