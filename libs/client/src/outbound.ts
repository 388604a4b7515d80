import { rateLimitBucket, TokenBucket, type ClientEnvelope, type Json, type RateLimitPolicy } from '@switchboard/protocol';
import type { Timers } from './clock.js';
import type { Disposer } from './emitter.js';
import { ClientErrorCode, SwitchboardError } from './errors.js';

/**
 * Network delays vary, so a client that spends tokens exactly as fast as the gateway
 * refills them is sometimes early: its mirror of the gateway's bucket refills this much slower.
 */
const REFILL_SAFETY = 0.8;

/** A frame the client sent or will send, kept until the gateway answers it. */
interface Pending {
  frame: ClientEnvelope & { id: string };
  text: string;
  bytes: number;
  onAnswer(answer: { ok: true; payload: Json | undefined } | { ok: false; error: SwitchboardError }): void;
  /**
   * How long to wait for the answer on connections, in total: a budget each write spends
   * from, so frequent drops cannot keep a request alive for ever, while a frame waiting for
   * a connection does not time out.
   */
  timeoutMs?: number;
  /** What earlier connections used up of `timeoutMs`. */
  spentMs: number;
  cancelTimer?: Disposer;
  /** Whether it was written to the current socket, and when (by the injected clock). */
  sent: boolean;
  sentAt: number;
}

export interface OutboundLimits {
  maxFrames: number;
  maxBytes: number;
}

/**
 * Every frame with an id lives here from `enqueue` until its `ack` or `error`: waiting
 * in order while the connection is down, paced by a token bucket mirroring the gateway's,
 * and written again with the same id after a reconnect, so nothing is dropped silently
 * and a retried `publish` is not applied twice.
 */
export class Outbound {
  private readonly pending = new Map<string, Pending>();
  /** Subscribes and credential refreshes: written before the rest after a reconnect. */
  private readonly control = new Map<string, Pending>();
  /** Frames not yet written to the current socket, and their size: counted, not recounted, per enqueue. */
  private queuedFrames = 0;
  private queuedBytes = 0;
  private readonly bucket: TokenBucket;
  private cancelPump?: Disposer;
  private writer?: (text: string) => void;
  sentCount = 0;

  constructor(
    private readonly limits: OutboundLimits,
    rateLimit: RateLimitPolicy,
    private readonly timers: Timers,
    /** Called when `queued` or `sentCount` changed. */
    private readonly changed: () => void = () => undefined,
  ) {
    this.bucket = new TokenBucket(rateLimitBucket(rateLimit, REFILL_SAFETY), this.now);
  }

  private readonly now = (): number => this.timers.clock.now();

  /** Frames not yet written to the current socket. */
  get queued(): number {
    return this.queuedFrames;
  }

  private *entries(): Generator<Pending> {
    yield* this.control.values();
    yield* this.pending.values();
  }

  private find(id: string): Pending | undefined {
    return this.control.get(id) ?? this.pending.get(id);
  }

  /**
   * Adds a frame; it is written when connected and a token is there.
   * @throws {SwitchboardError} `QUEUE_FULL` at the frame or byte limit, `MESSAGE_TOO_LARGE` past `maxMessageBytes`.
   */
  enqueue(
    frame: ClientEnvelope & { id: string },
    maxMessageBytes: number,
    onAnswer: Pending['onAnswer'],
    options: { timeoutMs?: number; control?: boolean } = {},
  ): void {
    const { timeoutMs } = options;
    const text = JSON.stringify(frame);
    const bytes = byteLength(text);
    if (bytes > maxMessageBytes) {
      throw new SwitchboardError('MESSAGE_TOO_LARGE', `frame of ${bytes} bytes is over the gateway's ${maxMessageBytes}`, { recoverable: false });
    }
    // Subscribes and refreshes are bounded by the app's subscriptions, and must go out after a reconnect.
    if (!options.control && (this.queued >= this.limits.maxFrames || this.queuedBytes + bytes > this.limits.maxBytes)) {
      throw new SwitchboardError(ClientErrorCode.QUEUE_FULL, `the send queue is full (${this.limits.maxFrames} frames / ${this.limits.maxBytes} bytes)`, { recoverable: true });
    }
    const entry: Pending = { frame, text, bytes, onAnswer, sent: false, sentAt: 0, spentMs: 0, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
    (options.control ? this.control : this.pending).set(frame.id, entry);
    this.hold(entry);
    this.pump();
  }

  /** Settles the frame an `ack` or `error` answers; false when none waits for that id. */
  settle(id: string, answer: Parameters<Pending['onAnswer']>[0]): boolean {
    const entry = this.find(id);
    if (!entry) return false;
    this.pending.delete(id);
    this.control.delete(id);
    entry.cancelTimer?.();
    if (!entry.sent) this.release(entry);
    entry.onAnswer(answer);
    return true;
  }

  /** A `RATE_LIMITED` answer: the frame goes back in line and is retried after the wait. */
  retryLater(id: string, afterMs: number): boolean {
    const entry = this.find(id);
    if (!entry) return false;
    this.unsend(entry);
    this.schedulePump(afterMs);
    return true;
  }

  /** A socket is ready: everything unanswered is written again, oldest first. */
  attach(writer: (text: string) => void, rateLimit: RateLimitPolicy): void {
    this.writer = writer;
    this.bucket.update(rateLimitBucket(rateLimit, REFILL_SAFETY));
    this.pump();
  }

  /** The socket is gone: frames wait, their timeouts paused, until the next `attach` writes them again. */
  detach(): void {
    this.writer = undefined;
    this.cancelPump?.();
    for (const entry of this.entries()) if (entry.sent) this.unsend(entry);
  }

  private unsend(entry: Pending): void {
    entry.cancelTimer?.();
    entry.sent = false;
    // Never negative: a clock set back must not give a request more time.
    entry.spentMs += Math.max(0, this.now() - entry.sentAt);
    this.hold(entry);
    // The drop came as the budget ran out, before its timer did: the frame is not worth another write.
    if (entry.timeoutMs !== undefined && entry.spentMs >= entry.timeoutMs) this.timeOut(entry);
  }

  private hold(entry: Pending): void {
    this.queuedFrames++;
    this.queuedBytes += entry.bytes;
    this.changed();
  }

  private release(entry: Pending): void {
    this.queuedFrames--;
    this.queuedBytes -= entry.bytes;
    this.changed();
  }

  /** Drops unanswered frames matching `filter` without settling them (their owner resends). */
  forget(filter: (frame: ClientEnvelope) => boolean): void {
    for (const entry of [...this.entries()]) {
      if (!filter(entry.frame)) continue;
      this.pending.delete(entry.frame.id);
      this.control.delete(entry.frame.id);
      entry.cancelTimer?.();
      if (!entry.sent) this.release(entry);
    }
  }

  /** Rejects everything: the client is closed or failed for good. */
  rejectAll(error: SwitchboardError): void {
    for (const entry of [...this.entries()]) this.settle(entry.frame.id, { ok: false, error });
    this.detach();
  }

  private pump(): void {
    if (!this.writer) return;
    for (const entry of this.entries()) {
      if (entry.sent) continue;
      const wait = this.bucket.take();
      if (wait > 0) return this.schedulePump(wait);
      entry.sent = true;
      entry.sentAt = this.now();
      this.sentCount++;
      this.release(entry);
      if (entry.timeoutMs !== undefined) entry.cancelTimer = this.timers.after(entry.timeoutMs - entry.spentMs, () => this.timeOut(entry));
      this.writer(entry.text);
    }
  }

  private timeOut(entry: Pending): void {
    const error = new SwitchboardError('TIMEOUT', `no answer to "${entry.frame.type}" within ${entry.timeoutMs} ms`, { recoverable: true });
    this.settle(entry.frame.id, { ok: false, error });
  }

  private schedulePump(afterMs: number): void {
    this.cancelPump?.();
    this.cancelPump = this.timers.after(afterMs, () => this.pump());
  }
}

const encoder = new TextEncoder();

function byteLength(text: string): number {
  return encoder.encode(text).length;
}
