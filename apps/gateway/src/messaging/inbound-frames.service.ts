import { Inject, Injectable } from '@nestjs/common';
import {
  ClientFrameType,
  CloseCode,
  PolicyCloseReason,
  parseClientFrame,
  type ApplicationFrame,
  type ClientFrame,
  type ErrorCode,
  type Json,
} from '@switchboard/protocol';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import { from, type Observable } from 'rxjs';
import type { RawData, WebSocket } from 'ws';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config/index.js';
import type { Connection, OutgoingFrame } from '../connections/index.js';
import { ConnectionManager } from '../connections/index.js';
import { ENGINE, type Engine, type RateLimiter } from '../engine/index.js';
import { MetricsService } from '../metrics/index.js';
import { ApplicationMessagesHandler } from './application-messages.handler.js';
import { errorFrame } from './frame-error.js';

/** Hands a valid frame to its handler; undefined when no handler takes its type. */
export type Dispatch = (frame: ClientFrame) => Observable<OutgoingFrame | undefined> | undefined;

const BUILT_IN_TYPES = new Set<string>(Object.values(ClientFrameType));

/**
 * Every frame a client sends passes here, in order: rate limit (all but `ping` cost a
 * token from the user's bucket), envelope validation, then its handler. Every bad frame
 * gets a typed `error` and the connection stays open (protocol §5, §7).
 */
@Injectable()
export class InboundFrames {
  private readonly limiter: RateLimiter;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(ENGINE) engine: Engine,
    private readonly connections: ConnectionManager,
    private readonly metrics: MetricsService,
    private readonly applicationMessages: ApplicationMessagesHandler,
    @InjectPinoLogger('frames') private readonly log: PinoLogger,
  ) {
    const { messages, intervalMs, burst } = config.limits.rateLimit;
    this.limiter = engine.rateLimiter('messages', { capacity: burst, refill: messages, intervalMs });
  }

  /**
   * Starts serving a socket. Its connection is looked up per frame: the gateway that
   * registers it may run its connection hook after this is attached, but before any frame.
   */
  attach(socket: WebSocket, dispatch: Dispatch): void {
    const abuse = { windowStart: Date.now(), rejected: 0 };
    const internal = { failures: 0 };
    // One chain per connection keeps rate-limit decisions and dispatch in arrival order.
    let chain = Promise.resolve();
    socket.on('message', (data, isBinary) => {
      const connection = this.connections.find(socket);
      if (!connection) return socket.terminate();
      chain = chain
        .then(() => this.receive(connection, data, isBinary, dispatch, abuse, internal))
        .catch((error: unknown) => {
          this.logInternal(connection, internal, error, 'frame handling failed');
          this.fail(connection, 'INTERNAL', 'internal error');
        });
    });
    socket.on('error', (error) => {
      const connection = this.connections.find(socket);
      this.log.warn({ err: error, connectionId: connection?.id, userId: connection?.userId }, 'socket error');
    });
  }

  private async receive(
    connection: Connection,
    data: RawData,
    isBinary: boolean,
    dispatch: Dispatch,
    abuse: { windowStart: number; rejected: number },
    internal: { failures: number },
  ): Promise<void> {
    if (connection.state !== 'open') return;
    const parsed = isBinary ? undefined : parseClientFrame(rawText(data), { maxDepth: this.config.maxJsonDepth });
    const label = isBinary ? 'binary' : !parsed?.ok ? 'invalid' : BUILT_IN_TYPES.has(parsed.frame.type) ? parsed.frame.type : 'application';
    this.metrics.framesIn.inc({ type: label });

    if (!(parsed?.ok && parsed.frame.type === ClientFrameType.PING)) {
      const decision = await this.limiter.consume(connection.userId);
      if (!decision.allowed) {
        this.metrics.rateLimitedFrames.inc();
        const id = parsed?.ok ? parsed.frame.id : parsed?.id;
        this.fail(connection, 'RATE_LIMITED', 'rate limit exceeded', id, { retryAfterMs: decision.retryAfterMs });
        this.punishAbuse(connection, abuse);
        return;
      }
    }
    if (parsed === undefined) return this.fail(connection, 'UNSUPPORTED_DATA', 'binary frames are not supported; send JSON text');
    if (!parsed.ok) return this.fail(connection, parsed.code, parsed.message, parsed.id);

    const frame = parsed.frame;
    const answer = dispatch(frame) ?? (BUILT_IN_TYPES.has(frame.type) ? undefined : from(this.applicationMessages.handle(connection, frame as ApplicationFrame)));
    if (answer === undefined) {
      return this.fail(connection, 'UNKNOWN_TYPE', `no handler for type "${frame.type}"`, frame.id);
    }
    const handled = new Promise<void>((resolve) => {
      answer.subscribe({
        next: (reply) => reply && connection.send(reply),
        error: (error: unknown) => {
          this.logInternal(connection, internal, error, 'handler failed');
          this.fail(connection, 'INTERNAL', 'internal error', frame.id);
          resolve();
        },
        complete: resolve,
      });
    });
    // Built-in frames finish before the next frame starts, so a subscribe is in place before
    // a publish sent after it; application messages wait on a backend and run side by side.
    if (BUILT_IN_TYPES.has(frame.type)) await handled;
  }

  private fail(
    connection: Connection,
    code: ErrorCode,
    message: string,
    id?: string,
    extra: { retryAfterMs?: number; details?: Json } = {},
  ): void {
    this.metrics.errors.inc({ code });
    connection.send(errorFrame(code, message, id, extra));
  }

  /**
   * Logs a connection's first internal failure with its stack and only counts the rest:
   * a client that found a way to trigger one must not be able to flood the log with it.
   */
  private logInternal(connection: Connection, internal: { failures: number }, error: unknown, message: string): void {
    internal.failures++;
    const context = { connectionId: connection.id, userId: connection.userId, failures: internal.failures };
    if (internal.failures === 1) this.log.error({ ...context, err: error }, message);
    else this.log.debug(context, message);
  }

  /** More than `burst` refused frames in one interval: the client ignores `RATE_LIMITED`. */
  private punishAbuse(connection: Connection, abuse: { windowStart: number; rejected: number }): void {
    const { intervalMs, burst } = this.config.limits.rateLimit;
    const now = Date.now();
    if (now - abuse.windowStart >= intervalMs) {
      abuse.windowStart = now;
      abuse.rejected = 0;
    }
    abuse.rejected++;
    if (abuse.rejected > burst) connection.close(CloseCode.POLICY, PolicyCloseReason.RATE_LIMIT);
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
