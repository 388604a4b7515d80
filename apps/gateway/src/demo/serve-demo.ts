import { existsSync } from 'node:fs';
import { basename, join, relative, sep } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { PinoLogger } from 'nestjs-pino';
import type { GatewayConfig } from '../config/index.js';
import { DEMO_PATH } from './demo-url.js';

/**
 * Serves the built demo app at `/demo/`, in development mode only: it is for trying the
 * gateway out locally, and a production gateway serves nothing but its API. Call before
 * `listen`, so the files are mounted ahead of Nest's not-found handler. Returns whether
 * the demo is served.
 */
export function serveDemo(app: NestExpressApplication, config: GatewayConfig, log: Pick<PinoLogger, 'warn'>): boolean {
  if (config.jwt.mode !== 'development') return false;
  if (!existsSync(join(config.demoDir, 'index.html'))) {
    log.warn({ dir: config.demoDir }, 'demo not built, so not served at /demo/: run `npm run build` at the repository root');
    return false;
  }
  // Mounted without the trailing slash so that serve-static redirects `/demo` to `/demo/`.
  app.useStaticAssets(config.demoDir, {
    prefix: DEMO_PATH,
    // index.html names the current assets; a cached copy would keep loading the previous build.
    // Vite names files under assets/ by their content, so those never change.
    setHeaders: (res: { setHeader(name: string, value: string): void }, path: string) => {
      if (basename(path) === 'index.html') res.setHeader('cache-control', 'no-cache');
      else if (relative(config.demoDir, path).startsWith(`assets${sep}`)) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  return true;
}
