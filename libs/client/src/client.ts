import type { ClientEnvelope, ErrorPayload, Json, Limits, MessageMap, MessagePayload, MessageType, WelcomePayload } from '@switchboard/protocol';
import { ChannelSubscriptions } from './channel-subscriptions.js';
import { DEFAULT_LIMITS, randomPrefix, type ClientEvents, type ClientStats, type Reply, type ReplyMap } from './client-types.js';
import { Timers, type Clock } from './clock.js';
import { ConnectionManager } from './connection-manager.js';
import { CredentialRefresh } from './credential-refresh.js';
import { Emitter, type Disposer } from './emitter.js';
import { ClientErrorCode, SwitchboardError, invalidFrame } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { acceptFrame } from './inbound-frames.js';
import { resolveOptions, type ClientOptions, type ResolvedOptions } from './options.js';
import { Outbound } from './outbound.js';
import { clientState, type ClientState, type ConnectionStatus } from './state.js';
import type { Subscription, ChannelMessage } from './subscription.js';

/**
 * The Switchboard client: one connection to the gateway that reconnects by itself,
 * queues while down, and keeps channel subscriptions gap-free. Framework-agnostic.
 *
 * @example
 * const client = createClient<typeof messages>({ url: 'https://gw.example.com', getToken });
 * const reply = await client.request('chat.send', { text: 'hi' });
 * client.subscribe('room:1', (message) => render(message.payload));
 */
export class SwitchboardClient<M extends MessageMap = MessageMap, R extends ReplyMap<M> = {}> {
  /** The clock and timers the client runs on (the `clock` option); observers of the client use it too. */
  readonly clock: Clock;
  private readonly options: ResolvedOptions;
  /** Every timer of the client: `close()` cancels what is left of them. */
  private readonly timers: Timers;
  private readonly events = new Emitter<ClientEvents>();
  private readonly connection: ConnectionManager;
  private readonly outbound: Outbound;
  private readonly subscriptions: ChannelSubscriptions;
  private readonly heartbeat: Heartbeat;
  private readonly credential: CredentialRefresh;
  private since: number;
  private limits: Limits = DEFAULT_LIMITS;
  private nextId = 0;
  private readonly idPrefix = randomPrefix();
  private lastReceivedAt = 0;
  private counters = { received: 0, reconnects: 0, rtt: undefined as number | undefined };

  constructor(options: ClientOptions) {
    this.options = resolveOptions(options);
    this.clock = this.options.clock;
    this.timers = new Timers(this.clock);
    this.since = this.clock.now();
    this.connection = new ConnectionManager(this.options, this.timers, {
      changed: (previous, status) => this.changed(previous, status),
      message: (data) => this.receive(data),
      error: (error) => this.events.emit('error', error),
      discovered: (document) => this.adopt(document.limits),
    });
    const queue = { maxFrames: this.options.maxQueuedFrames, maxBytes: this.options.maxQueuedBytes };
    this.outbound = new Outbound(queue, this.limits.rateLimit, this.timers, () => this.statsChanged());
    this.subscriptions = new ChannelSubscriptions(this.outbound, () => this.id(), this.timers);
    this.heartbeat = new Heartbeat(
      { lastReceivedAt: () => this.lastReceivedAt, sendPing: () => this.ping(), dead: () => this.connection.drop('heartbeat timeout') },
      DEFAULT_LIMITS.heartbeatMs,
      this.options.pongTimeoutMs,
      this.timers,
    );
    this.credential = new CredentialRefresh(
      {
        getToken: () => this.options.getToken(),
        authenticate: async (token) => ((await this.call({ type: 'auth', id: this.id(), payload: { token } })) as { expiresAt: number }).expiresAt,
        error: (error) => this.events.emit('error', error),
      },
      this.options.refreshBeforeExpiryMs,
      this.timers,
    );
    if (this.options.autoConnect) this.connect();
  }

  /** The connection's state; see `on('state')` for its changes. */
  get state(): ClientState {
    return clientState(this.connection.status.phase);
  }

  /** Listens to `state`, `error`, `welcome`, `retry` or `stats`; returns the way to stop. */
  on<K extends keyof ClientEvents>(event: K, listener: (value: ClientEvents[K]) => void): Disposer {
    return this.events.on(event, listener);
  }

  /**
   * Starts connecting (done by `createClient` unless `autoConnect: false`); also reopens a closed client.
   * @throws {TypeError} when there is no WebSocket or fetch to connect with
   */
  connect(): void {
    if (this.state === 'idle' || this.state === 'closed') this.connection.connect();
  }

  /** Closes for good: pending requests reject with `CLOSED`, subscriptions stop, every timer is cancelled. */
  close(): void {
    if (this.state !== 'closed' && this.state !== 'failed') this.connection.close();
  }

  /**
   * Sends an application message without waiting for its answer. It is queued while not
   * connected and resent after a reconnect until acked; an `error` answer is emitted as `error`.
   * @throws {SwitchboardError} `QUEUE_FULL` or `MESSAGE_TOO_LARGE`
   */
  send<T extends MessageType<M>>(type: T, payload: MessagePayload<M, T>): void {
    this.enqueue({ type, id: this.id(), payload: payload as Json }, (answer) => {
      if (!answer.ok) this.events.emit('error', answer.error);
    });
  }

  /** Sends an application message and resolves with the `ack` payload; rejects with a `SwitchboardError`. */
  request<T extends MessageType<M>>(type: T, payload: MessagePayload<M, T>, options: { timeoutMs?: number } = {}): Promise<Reply<M, R, T>> {
    return this.call({ type, id: this.id(), payload: payload as Json }, options.timeoutMs) as Promise<Reply<M, R, T>>;
  }

  /** Publishes to a channel the JWT's `publish` claim allows; resolves with its position. */
  publish(channel: string, payload: Json, options: { timeoutMs?: number } = {}): Promise<{ offset: number; epoch: string }> {
    return this.call({ type: 'publish', id: this.id(), channel, payload }, options.timeoutMs) as Promise<{ offset: number; epoch: string }>;
  }

  /** Subscribes to `channel` (once per channel: later calls share the subscription). */
  subscribe<T = Json>(channel: string, onMessage?: (message: ChannelMessage<T>) => void): Subscription<T> {
    if (this.state === 'failed') throw new SwitchboardError(ClientErrorCode.CLOSED, 'the client has failed', { recoverable: false });
    const subscription = this.subscriptions.get<T>(channel);
    if (onMessage) subscription.on('message', onMessage);
    return subscription;
  }

  /** The counters now; `on('stats')` reports every change. */
  stats(): ClientStats {
    const { phase, retryAt } = this.connection.status;
    return {
      state: clientState(phase),
      stateSince: this.since,
      framesSent: this.outbound.sentCount,
      framesReceived: this.counters.received,
      reconnects: this.counters.reconnects,
      queuedFrames: this.outbound.queued,
      ...(this.counters.rtt === undefined ? {} : { lastRttMs: this.counters.rtt }),
      ...(retryAt === undefined ? {} : { nextRetryAt: retryAt }),
    };
  }

  private call(frame: ClientEnvelope & { id: string }, timeoutMs = this.options.requestTimeoutMs): Promise<unknown> {
    return new Promise((resolve, reject) => {
      try {
        this.enqueue(frame, (answer) => (answer.ok ? resolve(answer.payload) : reject(answer.error)), { timeoutMs, control: frame.type === 'auth' });
      } catch (error) {
        reject(error);
      }
    });
  }

  private enqueue(frame: ClientEnvelope & { id: string }, onAnswer: Parameters<Outbound['enqueue']>[2], options?: Parameters<Outbound['enqueue']>[3]): void {
    if (this.state === 'closed' || this.state === 'failed') {
      throw new SwitchboardError(ClientErrorCode.CLOSED, `the client is ${this.state}`, { recoverable: false });
    }
    this.outbound.enqueue(frame, this.limits.maxMessageBytes, onAnswer, options);
  }

  /** Validates every frame first, so nothing the gateway sends can throw here; a refused one is reported, dropped, and still a sign of life. */
  private receive(data: unknown): void {
    this.lastReceivedAt = this.clock.now();
    this.counters.received++;
    const welcomed = this.connection.status.phase === 'open';
    const parsed = acceptFrame(String(data), welcomed, this.subscriptions);
    this.statsChanged();
    if (!parsed.ok) {
      this.events.emit('error', invalidFrame(parsed));
      // The first frame must be a valid welcome (protocol §5): without one this connection can never open.
      if (!welcomed) this.connection.drop('invalid welcome');
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case 'welcome':
        return this.welcome(frame.payload as WelcomePayload);
      case 'pong':
        if (frame.id?.startsWith('hb:')) this.counters.rtt = this.clock.now() - Number(frame.id.slice(3));
        return this.statsChanged();
      case 'ack':
        this.outbound.settle(frame.id as string, { ok: true, payload: frame.payload });
        return;
      case 'error':
        return this.answerError(frame.id, frame.payload as ErrorPayload);
      case 'message':
        return this.subscriptions.receive(frame as ChannelMessage);
      case 'reconnect':
        this.connection.advise(frame.payload?.afterMs);
    }
  }

  private answerError(id: string | undefined, payload: ErrorPayload): void {
    const error = new SwitchboardError(payload.code, payload.message, payload);
    if (id !== undefined && payload.code === 'RATE_LIMITED' && this.outbound.retryLater(id, payload.retryAfterMs ?? 1_000)) return;
    if (id === undefined || !this.outbound.settle(id, { ok: false, error })) this.events.emit('error', error);
  }

  private welcome(payload: WelcomePayload): void {
    this.adopt(payload.limits);
    this.credential.schedule(payload.expiresAt);
    this.heartbeat.start();
    this.subscriptions.resume();
    this.outbound.attach((text) => this.connection.send(text), this.limits.rateLimit);
    this.connection.welcomed(payload.expiresAt);
    // One ping per connection, so the round-trip time is known before the first idle heartbeat.
    this.ping();
    this.events.emit('welcome', payload);
  }

  /** Every transition of the connection: what the client holds follows it, then the app hears of it. */
  private changed(previous: ConnectionStatus, status: ConnectionStatus): void {
    const from = clientState(previous.phase);
    const to = clientState(status.phase);
    if (previous.phase === 'open' && status.phase !== 'open') {
      this.suspend();
      if (to === 'reconnecting') this.counters.reconnects++;
    }
    if (to === 'closed' || to === 'failed') this.shutDown();
    if (previous.phase.endsWith('.waiting')) this.events.emit('retry', { at: undefined });
    if (from !== to) {
      this.since = status.at;
      this.events.emit('state', { state: to, previous: from, at: status.at, ...(status.reason ? { reason: status.reason } : {}) });
    }
    if (status.phase.endsWith('.waiting')) this.events.emit('retry', { at: status.retryAt });
    this.statsChanged();
  }

  /** The connection is gone: stop its timers, hold frames and subscriptions until the next welcome. */
  private suspend(): void {
    this.heartbeat.stop();
    this.credential.stop();
    this.outbound.detach();
    this.subscriptions.suspend();
  }

  /** Closed or failed for good: every pending answer is `CLOSED`, every subscription ends, no timer is left. */
  private shutDown(): void {
    this.suspend();
    this.outbound.rejectAll(new SwitchboardError(ClientErrorCode.CLOSED, 'the client was closed', { recoverable: false }));
    this.subscriptions.unsubscribeAll();
    this.timers.clear();
  }

  private ping(): void {
    if (this.connection.status.phase === 'open') this.connection.send(JSON.stringify({ type: 'ping', id: `hb:${this.clock.now()}` }));
  }

  private adopt(limits: Limits): void {
    this.limits = limits;
    this.heartbeat?.setIdle(limits.heartbeatMs);
  }

  private statsChanged(): void {
    if (this.events.listening('stats')) this.events.emit('stats', this.stats());
  }

  /** Unique across tabs and reloads: the gateway dedupes publishes by user and id. */
  private id(): string {
    return `${this.idPrefix}-${(++this.nextId).toString(36)}`;
  }
}

/** Creates a client and, unless `autoConnect: false`, starts connecting. */
export function createClient<M extends MessageMap = MessageMap, R extends ReplyMap<M> = {}>(options: ClientOptions): SwitchboardClient<M, R> {
  return new SwitchboardClient<M, R>(options);
}
