/** Types of server.mjs, for the TypeScript tests that start it. */

/** Header in which the gateway sends `sha256=<hex HMAC-SHA256 of the raw body>`. */
export declare const SIGNATURE_HEADER: 'x-switchboard-signature';

/** Whether `header` is the gateway's signature of `rawBody` under `secret`. */
export declare function verifySignature(
  rawBody: Buffer | string,
  header: string | string[] | undefined,
  secret: string,
): boolean;

/** Where and with which key to reach the gateway's server API. */
export interface GatewayApi {
  gatewayUrl: string;
  apiKey: string;
}

/** Publishes to a channel through the gateway's server API. */
export declare function publish(
  api: GatewayApi,
  channel: string,
  payload: unknown,
  idempotencyKey?: string,
): Promise<{ offset: number; epoch: string }>;

export interface ExampleBackendOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** The gateway's BACKEND_SECRET. */
  secret: string;
  /** Without it (or `apiKey`) the backend answers but does not publish. */
  gatewayUrl?: string;
  apiKey?: string;
  /** @default console */
  log?: Pick<Console, 'error'>;
}

export interface ExampleBackend {
  /** The value for the gateway's BACKEND_URL. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the example backend. */
export declare function startExampleBackend(options: ExampleBackendOptions): Promise<ExampleBackend>;
