import { Inject, Injectable } from '@nestjs/common';
import { CloseCode, PolicyCloseReason, parseClientFrame, type ClientFrame, type ParseFailure } from '@switchboard/protocol';
import { InjectPinoLogger, PinoLogger } from 'nestjs-pino';
import type { RawData } from 'ws';
import { CLOCK, type Clock } from '../clock/index.js';
import {
  ENGINE,
  ENGINE_RETRY_AFTER_MS,
  isEngineUnavailable,
  OutageNotice,
  type Engine,
  type EngineUnavailableError,
  type RateDecision,
  type RateLimiter,
} from '../engine/index.js';
import { FrameError, FrameHandlers, type FrameHandler } from '../frames/index.js';
import { MetricsService } from '../metrics/index.js';
import { sendReply } from './send-reply.js';
import type { Session } from './session.js';
import { SESSION_SETTINGS, type SessionSettings } from './session-settings.js';

const INTERNAL = new FrameError('INTERNAL', 'internal error');
const ENGINE_UNAVAILABLE = new FrameError('ENGINE_UNAVAILABLE', 'the gateway cannot reach its engine; retry later', { retryAfterMs: ENGINE_RETRY_AFTER_MS });

/** One received message, classified; `id` is the frame's when it had a valid one, for the error to echo. */
type Inbound =
  | { kind: 'binary'; id?: undefined }
  | { kind: 'invalid'; failure: ParseFailure; id?: string }
  | { kind: 'valid'; frame: ClientFrame; handler: FrameHandler; id?: string };

/**
 * Every frame a client sends takes this one path, in arrival order: envelope parse, rate
 * limit (every frame but a valid `ping` costs a token from the user's bucket), its type's
 * handler, and the one reply path or the one error path. Every bad frame gets a typed
 * `error` and the connection stays open (protocol §5, §7); so does a frame the engine could
 * not serve (`ENGINE_UNAVAILABLE`, recoverable).
 */
@Injectable()
export class FramePipeline {
  private readonly limiter: RateLimiter;
  private readonly outage = new OutageNotice();

  constructor(
    @Inject(SESSION_SETTINGS.token) private readonly config: SessionSettings,
    @Inject(ENGINE) engine: Engine,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly handlers: FrameHandlers,
    private readonly metrics: MetricsService,
    @InjectPinoLogger('frames') private readonly log: PinoLogger,
  ) {
    const { messages, intervalMs, burst } = config.limits.rateLimit;
    this.limiter = engine.rateLimiter('messages', { capacity: burst, refill: messages, intervalMs });
  }

  /** Serves the session's frames from now on. */
  attach(session: Session): void {
    session.connection.socket.on('message', (data, isBinary) => {
      session.queue(
        () => this.receive(session, data, isBinary),
        (error) => this.failFor(session, error, 'frame handling failed'),
      );
    });
  }

  private async receive(session: Session, data: RawData, isBinary: boolean): Promise<void> {
    if (session.connection.state !== 'open') return;
    const inbound = this.classify(data, isBinary);
    this.metrics.framesIn.inc({ type: inbound.kind === 'valid' ? inbound.handler.name : inbound.kind });

    if (!(inbound.kind === 'valid' && inbound.handler.free)) {
      let decision: RateDecision;
      try {
        decision = await this.limiter.consume(session.connection.userId);
      } catch (error) {
        return this.failFor(session, error, 'rate limit check failed', inbound.id);
      }
      if (!decision.allowed) {
        this.metrics.rateLimitedFrames.inc();
        this.fail(session, new FrameError('RATE_LIMITED', 'rate limit exceeded', { retryAfterMs: decision.retryAfterMs }), inbound.id);
        if (session.refused()) session.connection.close(CloseCode.POLICY, PolicyCloseReason.RATE_LIMIT);
        return;
      }
    }
    switch (inbound.kind) {
      case 'binary':
        return this.fail(session, new FrameError('UNSUPPORTED_DATA', 'binary frames are not supported; send JSON text'));
      case 'invalid':
        return this.fail(session, new FrameError(inbound.failure.code, inbound.failure.message), inbound.id);
      case 'valid': {
        const answered = this.answer(session, inbound.handler, inbound.frame);
        if (inbound.handler.sequential) await answered;
      }
    }
  }

  /** What arrived: binary data, text that is no valid frame, or a frame and its type's handler. */
  private classify(data: RawData, isBinary: boolean): Inbound {
    if (isBinary) return { kind: 'binary' };
    const parsed = parseClientFrame(rawText(data), { maxDepth: this.config.maxJsonDepth });
    if (!parsed.ok) return { kind: 'invalid', failure: parsed, id: parsed.id };
    return { kind: 'valid', frame: parsed.frame, handler: this.handlers.get(parsed.frame.type), id: parsed.frame.id };
  }

  /** Runs the handler; what it returns is the reply, what it throws the error. Never rejects. */
  private async answer(session: Session, handler: FrameHandler, frame: ClientFrame): Promise<void> {
    try {
      sendReply(session.connection, await handler.handle(frame, session.connection));
    } catch (error) {
      this.failFor(session, error, 'handler failed', frame.id);
    }
  }

  /** Answers what a frame's handling threw: its own code, `ENGINE_UNAVAILABLE`, or `INTERNAL`. */
  private failFor(session: Session, error: unknown, message: string, id?: string): void {
    if (error instanceof FrameError) this.fail(session, error, id);
    else if (isEngineUnavailable(error)) this.failUnavailable(session, error, id);
    else this.failInternally(session, error, message, id);
  }

  /** The one error path: every `error` frame the gateway sends a client leaves from here. */
  private fail(session: Session, error: FrameError, id?: string): void {
    this.metrics.errors.inc({ code: error.code });
    session.connection.send(error.toFrame(id));
  }

  /**
   * The engine did not answer: nothing is wrong with the frame, so it is answered
   * `ENGINE_UNAVAILABLE` (counted by `switchboard_errors_total`), and one warning without a
   * stack says so per outage, however many frames and connections meet it.
   */
  private failUnavailable(session: Session, error: EngineUnavailableError, id?: string): void {
    if (this.outage.failed(this.clock.now())) {
      this.log.warn({ engine: error.engine, reason: error.reason }, 'engine does not answer: frames that need it are answered ENGINE_UNAVAILABLE');
    }
    this.fail(session, ENGINE_UNAVAILABLE, id);
  }

  /** A bug: answered `INTERNAL`; the session's first is logged with its stack. */
  private failInternally(session: Session, error: unknown, message: string, id?: string): void {
    const { connection } = session;
    const failures = session.failedInternally();
    const context = { connectionId: connection.id, userId: connection.userId, failures };
    if (failures === 1) this.log.error({ ...context, err: error }, message);
    else this.log.debug(context, message);
    this.fail(session, INTERNAL, id);
  }
}

function rawText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
