import type { DiscoveryDocument } from '@switchboard/protocol';
import { closeAction, type CloseAction } from './close-policy.js';
import type { Timers } from './clock.js';
import type { Disposer } from './emitter.js';
import { SwitchboardError } from './errors.js';
import { fetchDiscovery, fetchTicket } from './http.js';
import { connectEnvironment, type ResolvedOptions } from './options.js';
import { ReconnectPlan, type NextStep } from './reconnect-plan.js';
import { nextPhase, type ClientEvent, type ConnectionStatus } from './state.js';
import { Transport } from './transport.js';

/** The close code the client uses for a connection it drops itself (outside protocol §7's list: backoff). */
const DROPPED = 4000;

/** What the connection manager reports to the client. */
export interface ConnectionHooks {
  /** Every transition, after the new phase's effects have started. */
  changed(previous: ConnectionStatus, status: ConnectionStatus): void;
  message(data: unknown): void;
  error(error: SwitchboardError): void;
  discovered(document: DiscoveryDocument): void;
}

/**
 * Owns the connection and the loop that keeps it (as socket.io's Manager does): it moves
 * the state machine of `state.ts` and runs what each phase needs — the HTTP requests of
 * `fetching`, the timer of `waiting`, the handshake and its timeout of `dialing` — and
 * releases it when the phase ends. The close policy says what a close means, the reconnect
 * plan how long to wait; the transport only carries frames.
 */
export class ConnectionManager {
  private current: ConnectionStatus;
  private readonly plan: ReconnectPlan;
  /** What the current phase started (timers, requests); released when it ends. */
  private exits: Disposer[] = [];
  /** What the current `connect()` set up (the transport, network listeners); released on close or failure. */
  private lifetime: Disposer[] = [];
  private transport?: Transport;
  private fetchImpl: typeof fetch = globalThis.fetch;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly timers: Timers,
    private readonly hooks: ConnectionHooks,
  ) {
    this.current = { phase: 'idle', at: timers.clock.now() };
    this.plan = new ReconnectPlan(options);
  }

  get status(): ConnectionStatus {
    return this.current;
  }

  /** @throws {TypeError} when there is no WebSocket or fetch to connect with */
  connect(): void {
    const environment = connectEnvironment(this.options);
    const transport = new Transport(environment.WebSocket, {
      opened: () => this.dispatch('socket'),
      message: (data) => this.hooks.message(data),
      closed: (code, fromServer) => this.ended(closeAction(code, fromServer)),
    });
    const hurry = () => this.hurry();
    this.transport = transport;
    this.lifetime = [() => transport.close(), this.options.network.onOnline(hurry), this.options.network.onVisible(hurry)];
    this.fetchImpl = environment.fetch;
    this.dispatch('connect');
  }

  close(): void {
    this.dispatch('close');
  }

  /** The gateway's welcome: the connection is open; its credential lives until `expiresAt`. */
  welcomed(expiresAt: number): void {
    this.plan.opened(expiresAt - this.timers.clock.now());
    this.dispatch('welcome');
  }

  /** A `reconnect` frame: after this connection closes, wait `afterMs`. */
  advise(afterMs: number | undefined): void {
    this.dispatch('advise', afterMs === undefined ? {} : { afterMs });
  }

  /** Drops the connection or attempt at once (a dead heartbeat, a broken welcome) and backs off. */
  drop(reason: string): void {
    this.transport?.drop(DROPPED, reason);
    this.ended(closeAction(DROPPED, false));
  }

  send(text: string): void {
    this.transport?.send(text);
  }

  /** The connection or attempt ended and `action` is what the close policy makes of it. */
  private ended(action: CloseAction): void {
    const { phase, at, afterMs } = this.current;
    const openForMs = phase === 'open' ? this.timers.clock.now() - at : undefined;
    this.next(this.plan.afterClose(action, openForMs, afterMs));
  }

  private next(step: NextStep): void {
    if (step.kind === 'close') return this.dispatch('close');
    if (step.kind === 'fail') return this.dispatch('fail', { reason: step.reason });
    // An attempt started offline fails even if the network is back by the time it does: go again at once.
    if (step.delayMs <= 0 || (step.hurryable && this.current.hurried)) return this.dispatch('retry');
    this.dispatch('wait', { retryAt: this.timers.clock.now() + step.delayMs, hurryable: step.hurryable });
  }

  /** The network or the tab came back: cut a wait short where allowed, or remember it for the attempt under way. */
  private hurry(): void {
    const { phase, hurryable } = this.current;
    if (phase.endsWith('.waiting')) {
      if (hurryable) this.dispatch('elapse');
    } else if (phase.includes('.')) {
      this.current.hurried = true;
    }
  }

  private dispatch(event: ClientEvent, data: Partial<ConnectionStatus> = {}): void {
    const previous = this.current;
    const phase = nextPhase(previous.phase, event);
    // An advice is data of the open connection, not a new phase: what `open` holds stays.
    if (event !== 'advise') for (const exit of this.exits.splice(0)) exit();
    // The attempt's data lives from its fetch to its welcome or its end.
    const carried = event === 'dial' || event === 'socket' ? { hurried: previous.hurried } : {};
    const status: ConnectionStatus = { ...(event === 'advise' ? previous : carried), ...data, phase, at: event === 'advise' ? previous.at : this.timers.clock.now() };
    this.current = status;
    if (event !== 'advise') this.enter(status);
    this.hooks.changed(previous, status);
  }

  /** Starts what `status`'s phase needs; what it starts goes in `exits`. */
  private enter(status: ConnectionStatus): void {
    const { phase } = status;
    if (phase === 'closed' || phase === 'failed') {
      for (const dispose of this.lifetime.splice(0)) dispose();
      this.transport = undefined;
    } else if (phase.endsWith('.fetching')) {
      void this.fetchTicket(status);
    } else if (phase.endsWith('.waiting')) {
      this.exits.push(this.timers.after((status.retryAt ?? 0) - status.at, () => this.dispatch('elapse')));
    } else if (phase.endsWith('.dialing')) {
      this.transport?.dial(status.url!);
      this.exits.push(this.timers.after(this.options.connectTimeoutMs, () => this.handshakeTimedOut()));
    }
  }

  private handshakeTimedOut(): void {
    const ms = this.options.connectTimeoutMs;
    this.hooks.error(new SwitchboardError('TIMEOUT', `the WebSocket handshake did not complete within ${ms} ms`, { recoverable: true }));
    this.drop('handshake timeout');
  }

  /** The `fetching` phase: discovery (cached), `getToken()`, then a ticket; its end aborts what is in flight. */
  private async fetchTicket(status: ConnectionStatus): Promise<void> {
    const stale = () => this.current !== status;
    try {
      const discovery = this.plan.discovery ?? (await this.bounded((signal) => fetchDiscovery(this.fetchImpl, this.options.url, signal)));
      if (stale()) return;
      this.plan.discovery = discovery;
      this.hooks.discovered(discovery);
      const token = await this.options.getToken();
      if (stale()) return;
      const ticket = await this.bounded((signal) => fetchTicket(this.fetchImpl, discovery.auth.ticketUrl, token, signal));
      if (!stale()) this.dispatch('dial', { url: ticket.url });
    } catch (error) {
      if (stale()) return;
      const failure = error instanceof SwitchboardError ? error : new SwitchboardError('NETWORK', String(error), { recoverable: true });
      this.hooks.error(failure);
      this.next(this.plan.afterFetchFailure(failure));
    }
  }

  /** Runs an HTTP request that `connectTimeoutMs` bounds, and that the end of the phase aborts. */
  private async bounded<T>(request: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    const ms = this.options.connectTimeoutMs;
    const cancelTimer = this.timers.after(ms, () => controller.abort(new SwitchboardError('TIMEOUT', `no answer within ${ms} ms`, { recoverable: true })));
    this.exits.push(() => controller.abort(), cancelTimer);
    try {
      return await request(controller.signal);
    } finally {
      cancelTimer();
    }
  }
}
