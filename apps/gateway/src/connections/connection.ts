import { CloseCode, PolicyCloseReason, type ServerFrame } from '@switchboard/protocol';
import type { WebSocket } from 'ws';
import type { Identity } from '../auth/index.js';
import type { Clock, ClockTimer } from '../clock/index.js';
import { nextConnectionState, type ConnectionEvent, type ConnectionState } from './connection-state.js';

/** Longest delay `setTimeout` takes; later expiries are reached in steps. */
const MAX_TIMER_MS = 2_147_483_647;

/** A frame ready to send, before the gateway stamps `ts`. */
export type OutgoingFrame = ServerFrame extends infer F ? (F extends ServerFrame ? Omit<F, 'ts'> : never) : never;

/** What a connection needs from the node that holds it. */
export interface ConnectionHooks {
  clock: Clock;
  maxBufferedBytes: number;
  onFrameSent(type: string): void;
  onCredentialExpired(connection: Connection): void;
  onBackpressure(connection: Connection): void;
}

/** One open WebSocket with the identity it proved, on this node. */
export class Connection {
  /** Cleared when a heartbeat ping goes out, set again by the pong. */
  alive = true;
  private current: ConnectionState = 'open';
  private expiryTimer?: ClockTimer;

  constructor(
    readonly id: string,
    readonly socket: WebSocket,
    private identity: Identity,
    private readonly hooks: ConnectionHooks,
  ) {
    this.scheduleExpiry();
  }

  get userId(): string {
    return this.identity.userId;
  }

  get claims(): Record<string, unknown> {
    return this.identity.claims;
  }

  get expiresAt(): number {
    return this.identity.expiresAt;
  }

  get state(): ConnectionState {
    return this.current;
  }

  /**
   * Sends one frame. A client that lets more than `maxBufferedBytes` pile up unread is
   * closed 1008 `backpressure`, so slow readers cannot grow the gateway's memory.
   * @returns false when the connection is no longer open.
   */
  send(frame: OutgoingFrame): boolean {
    return this.sendText(JSON.stringify({ ...frame, ts: this.hooks.clock.now() }), frame.type);
  }

  /** Sends a frame serialized once for many connections (channel fan-out). */
  sendText(text: string, type: string): boolean {
    if (this.current !== 'open') return false;
    this.socket.send(text);
    this.hooks.onFrameSent(type);
    if (this.socket.bufferedAmount > this.hooks.maxBufferedBytes) {
      this.hooks.onBackpressure(this);
      this.close(CloseCode.POLICY, PolicyCloseReason.BACKPRESSURE);
      return false;
    }
    return true;
  }

  /** Starts the closing handshake once; later calls do nothing. */
  close(code: number, reason: string): void {
    if (this.current !== 'open') return;
    this.dispatch('close');
    this.socket.close(code, reason);
  }

  /** Replaces the credential (in-band `auth`): the connection now lives until the new expiry. */
  refresh(identity: Identity): void {
    this.identity = identity;
    this.scheduleExpiry();
  }

  /** Called once the socket is gone; stops every timer the connection holds. */
  markClosed(): void {
    if (this.current === 'closed') return;
    this.dispatch('closed');
    this.hooks.clock.clearTimeout(this.expiryTimer);
  }

  private dispatch(event: ConnectionEvent): void {
    this.current = nextConnectionState(this.current, event);
  }

  private scheduleExpiry(): void {
    const { clock } = this.hooks;
    clock.clearTimeout(this.expiryTimer);
    const wait = this.identity.expiresAt - clock.now();
    this.expiryTimer = clock.setTimeout(
      () => (wait > MAX_TIMER_MS ? this.scheduleExpiry() : this.hooks.onCredentialExpired(this)),
      Math.max(0, Math.min(wait, MAX_TIMER_MS)),
    );
  }
}
