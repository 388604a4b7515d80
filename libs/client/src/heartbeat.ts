import type { Timers } from './clock.js';
import type { Disposer } from './emitter.js';

/** What the heartbeat needs from the connection. */
export interface HeartbeatTarget {
  /** ms since epoch of the last frame received. */
  lastReceivedAt(): number;
  sendPing(): void;
  /** The connection is dead: drop it and reconnect. */
  dead(): void;
}

/**
 * App-level liveness (browsers cannot see WebSocket pings): a `ping` after `idleMs` of
 * silence, and a dead connection when nothing at all arrives within `pongTimeoutMs` of it.
 * Time is measured from the clock and the last frame received, never from timer counts:
 * hidden tabs run timers late, and a late timer is no evidence of a dead connection.
 */
export class Heartbeat {
  private stopTimer?: Disposer;
  private pingSentAt?: number;

  constructor(
    private readonly target: HeartbeatTarget,
    private idleMs: number,
    private readonly pongTimeoutMs: number,
    private readonly timers: Timers,
  ) {}

  /** Adopts the gateway's `heartbeatMs`; takes effect at the next `start`. */
  setIdle(idleMs: number): void {
    this.idleMs = idleMs;
  }

  start(): void {
    this.stop();
    const tick = Math.max(50, Math.min(this.idleMs, this.pongTimeoutMs) / 2);
    this.stopTimer = this.timers.every(tick, () => this.check());
  }

  stop(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
    this.pingSentAt = undefined;
  }

  private check(): void {
    const now = this.timers.clock.now();
    const lastReceived = this.target.lastReceivedAt();
    if (this.pingSentAt !== undefined) {
      if (lastReceived >= this.pingSentAt) this.pingSentAt = undefined;
      else if (now - this.pingSentAt >= this.pongTimeoutMs) {
        // Once is enough: the connection is replaced, and `start` runs again on the next one.
        this.stop();
        return this.target.dead();
      }
      else return;
    }
    if (now - lastReceived >= this.idleMs) {
      this.pingSentAt = now;
      this.target.sendPing();
    }
  }
}
