import { demoUrl } from './demo/index.js';

/**
 * The loud notice development mode prints at start, with the commands to get connected.
 * `demoServed` says whether `/demo/` is really there, so the banner never points at a 404.
 */
export function devModeBanner(port: number, { demoServed }: { demoServed: boolean }): string {
  const base = `http://localhost:${port}`;
  return [
    '',
    '================================================================================',
    '  SWITCHBOARD GATEWAY - DEVELOPMENT MODE (not for production)',
    '  No JWT_SECRET or JWT_JWKS_URL is set, so this process signs its own tokens',
    '  with a random secret. NODE_ENV=production refuses to start this way.',
    '',
    '  1. Get a token:   curl -s -X POST ' + `${base}/dev/token -H 'content-type: application/json' -d '{"userId":"alice"}'`,
    '  2. Get a ticket:  curl -s -X POST ' + `${base}/ws/ticket -H "authorization: Bearer $TOKEN"`,
    `  3. Connect:       ws://localhost:${port}/ws?ticket=<ticket>  (subprotocol switchboard.v1)`,
    ...(demoServed ? ['', `  Demo:            ${demoUrl(port)}`] : []),
    '================================================================================',
    '',
  ].join('\n');
}
