import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import type { GatewayConfig } from '../config/index.js';

/** Header values that are credentials and never reach a log line. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'res.headers["set-cookie"]',
];

/** A URL without its query: `?ticket=` and `?access_token=` are credentials. */
export function pathOnly(url: string | undefined): string {
  return (url ?? '/').split('?')[0];
}

/** JSON logs through pino; request URLs are logged without their query string. */
export function loggerParams(config: GatewayConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: {
        req: (req: IncomingMessage & { id?: unknown; raw?: IncomingMessage }) => ({
          id: req.id,
          method: req.method,
          url: pathOnly(req.url),
        }),
      },
      autoLogging: { ignore: (req) => ['/health', '/ready', '/metrics'].includes(pathOnly(req.url)) },
    },
  };
}
