import {
  type ClientEnvelope,
  type DiscoveryDocument,
  type ErrorPayload,
  type Json,
  type Limits,
  type MessageMap,
  type MessagePayload,
  type MessageType,
  type WelcomePayload,
} from '@switchboard/protocol';
import { ChannelSubscriptions } from './channel-subscriptions.js';
import { DEFAULT_LIMITS, randomPrefix, type ClientEvents, type ClientStats, type Reply, type ReplyMap } from './client-types.js';
import { Connector } from './connector.js';
import { CredentialRefresh } from './credential-refresh.js';
import { Emitter, type Disposer } from './emitter.js';
import { ClientErrorCode, SwitchboardError, invalidFrame } from './errors.js';
import { Heartbeat } from './heartbeat.js';
import { acceptFrame } from './inbound-frames.js';
import { connectEnvironment, resolveOptions, type ClientOptions, type ResolvedOptions } from './options.js';
import { Outbound } from './outbound.js';
import { nextState, type ClientEvent, type ClientState, type FailureReason } from './state.js';
import type { Subscription, ChannelMessage } from './subscription.js';
import { createTransport, type ReconnectingSocket } from './transport.js';

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
  private readonly options: ResolvedOptions;
  private readonly events = new Emitter<ClientEvents>();
  /** The reconnecting socket and its URL provider of the current `connect()`; new after a close. */
  private connector?: Connector;
  private socket?: ReconnectingSocket;
  private readonly outbound: Outbound;
  private readonly subscriptions: ChannelSubscriptions;
  private readonly heartbeat: Heartbeat;
  private readonly credential: CredentialRefresh;
  private current: ClientState = 'idle';
  private since: number;
  private limits: Limits = DEFAULT_LIMITS;
  private serverAfterMs?: number;
  private welcomed = false;
  private nextId = 0;
  private readonly idPrefix = randomPrefix();
  private lastReceivedAt = 0;
  private counters = { received: 0, reconnects: 0, rtt: undefined as number | undefined };
  private nextRetryAt?: number;

  constructor(options: ClientOptions) {
    this.options = resolveOptions(options);
    this.since = this.options.now();
    this.outbound = new Outbound({ maxFrames: this.options.maxQueuedFrames, maxBytes: this.options.maxQueuedBytes }, this.limits.rateLimit, this.options.now);
    this.subscriptions = new ChannelSubscriptions(this.outbound, () => this.id());
    this.heartbeat = new Heartbeat(
      { lastReceivedAt: () => this.lastReceivedAt, sendPing: () => this.ping(), dead: () => this.socket?.reconnect(4000, 'heartbeat timeout') },
      DEFAULT_LIMITS.heartbeatMs,
      this.options.pongTimeoutMs,
      this.options.now,
    );
    this.credential = new CredentialRefresh(
      {
        getToken: () => this.options.getToken(),
        authenticate: async (token) => ((await this.call({ type: 'auth', id: this.id(), payload: { token } })) as { expiresAt: number }).expiresAt,
        error: (error) => this.events.emit('error', error),
      },
      this.options.refreshBeforeExpiryMs,
      this.options.now,
    );
    if (this.options.autoConnect) this.connect();
  }

  get state(): ClientState {
    return this.current;
  }

  /** Listens to `state`, `error` or `welcome`; returns the way to stop. */
  on<K extends keyof ClientEvents>(event: K, listener: (value: ClientEvents[K]) => void): Disposer {
    return this.events.on(event, listener);
  }

  /**
   * Starts connecting (done by `createClient` unless `autoConnect: false`); also reopens a closed client.
   * @throws {TypeError} when there is no WebSocket or fetch to connect with
   */
  connect(): void {
    if (this.current !== 'idle' && this.current !== 'closed') return;
    const environment = connectEnvironment(this.options);
    const connector = new Connector(this.options, environment.fetch, {
      error: (error) => this.events.emit('error', error),
      fail: (reason) => this.fail(reason),
      discovered: (document: DiscoveryDocument) => this.adopt(document.limits),
      waiting: (at) => this.retryAt(at),
    });
    const socket = createTransport(connector.nextUrl, environment.WebSocket, this.options.connectTimeoutMs, (error) => this.events.emit('error', error));
    // Events of a socket this client has since replaced or closed are stale: ignore them.
    socket.addEventListener('message', (event) => socket === this.socket && this.receive(event.data));
    socket.addEventListener('close', (event) => socket === this.socket && this.closed(event.code, event.target === socket));
    this.connector = connector;
    this.socket = socket;
    this.dispatch('connect');
    socket.reconnect();
  }

  /** Closes for good: pending requests reject with `CLOSED`, subscriptions stop. */
  close(): void {
    if (this.current === 'closed' || this.current === 'failed') return;
    this.shutDown();
    this.dispatch('close');
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
    if (this.current === 'failed') throw new SwitchboardError(ClientErrorCode.CLOSED, 'the client has failed', { recoverable: false });
    const subscription = this.subscriptions.get<T>(channel);
    if (onMessage) subscription.on('message', onMessage);
    return subscription;
  }

  stats(): ClientStats {
    return {
      state: this.current,
      stateSince: this.since,
      framesSent: this.outbound.sentCount,
      framesReceived: this.counters.received,
      reconnects: this.counters.reconnects,
      queuedFrames: this.outbound.queued,
      ...(this.counters.rtt === undefined ? {} : { lastRttMs: this.counters.rtt }),
      ...(this.nextRetryAt === undefined ? {} : { nextRetryAt: this.nextRetryAt }),
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
    if (this.current === 'closed' || this.current === 'failed') {
      throw new SwitchboardError(ClientErrorCode.CLOSED, `the client is ${this.current}`, { recoverable: false });
    }
    this.outbound.enqueue(frame, this.limits.maxMessageBytes, onAnswer, options);
  }

  /** Validates every frame first, so nothing the gateway sends can throw here; a refused one is reported, dropped, and still a sign of life. */
  private receive(data: unknown): void {
    this.lastReceivedAt = this.options.now();
    this.counters.received++;
    const parsed = acceptFrame(String(data), this.welcomed, this.subscriptions);
    if (!parsed.ok) {
      this.events.emit('error', invalidFrame(parsed));
      // The first frame must be a valid welcome (protocol §5): without one this connection can never open.
      if (!this.welcomed) this.socket?.reconnect(4000, 'invalid welcome');
      return;
    }
    const frame = parsed.frame;
    switch (frame.type) {
      case 'welcome':
        return this.welcome(frame.payload as WelcomePayload);
      case 'pong':
        if (frame.id?.startsWith('hb:')) this.counters.rtt = this.options.now() - Number(frame.id.slice(3));
        return;
      case 'ack':
        this.outbound.settle(frame.id as string, { ok: true, payload: frame.payload });
        return;
      case 'error':
        return this.answerError(frame.id, frame.payload as ErrorPayload);
      case 'message':
        return this.subscriptions.receive(frame as ChannelMessage);
      case 'reconnect':
        this.serverAfterMs = frame.payload?.afterMs;
    }
  }

  private answerError(id: string | undefined, payload: ErrorPayload): void {
    const error = new SwitchboardError(payload.code, payload.message, payload);
    if (id !== undefined && payload.code === 'RATE_LIMITED' && this.outbound.retryLater(id, payload.retryAfterMs ?? 1_000)) return;
    if (id === undefined || !this.outbound.settle(id, { ok: false, error })) this.events.emit('error', error);
  }

  private welcome(payload: WelcomePayload): void {
    this.welcomed = true;
    this.adopt(payload.limits);
    this.connector?.opened(payload.expiresAt - this.options.now());
    this.credential.schedule(payload.expiresAt);
    this.heartbeat.start();
    this.subscriptions.resume();
    const socket = this.socket;
    if (socket) this.outbound.attach((text) => socket.send(text), this.limits.rateLimit);
    this.dispatch('opened');
    // One ping per connection, so the round-trip time is known before the first idle heartbeat.
    this.ping();
    this.events.emit('welcome', payload);
  }

  private closed(code: number, synthetic: boolean): void {
    const connector = this.connector;
    if (!connector) return;
    const wasWelcomed = this.welcomed;
    this.suspend();
    const outcome = connector.afterClose(code, synthetic, this.serverAfterMs);
    this.serverAfterMs = undefined;
    if (outcome === 'closed') return this.close();
    if (outcome !== 'reconnect') return this.fail(outcome);
    if (wasWelcomed) this.counters.reconnects++;
    if (this.current !== 'reconnecting') this.dispatch('dropped');
  }

  /** The socket is gone: stop timers, hold frames and subscriptions until the next welcome. */
  private suspend(): void {
    this.welcomed = false;
    this.heartbeat.stop();
    this.credential.stop();
    this.outbound.detach();
    this.subscriptions.suspend();
  }

  private fail(reason: FailureReason): void {
    if (this.current === 'failed') return;
    this.shutDown();
    this.dispatch('fail', reason);
  }

  private shutDown(): void {
    this.suspend();
    const { connector, socket } = this;
    this.connector = undefined;
    this.socket = undefined;
    connector?.dispose();
    socket?.close(1000, 'client closed');
    this.outbound.rejectAll(new SwitchboardError(ClientErrorCode.CLOSED, 'the client was closed', { recoverable: false }));
    this.subscriptions.unsubscribeAll();
  }

  private retryAt(at: number | undefined): void {
    if (at === this.nextRetryAt) return;
    this.nextRetryAt = at;
    this.events.emit('retry', { at });
  }

  private ping(): void {
    if (this.welcomed) this.socket?.send(JSON.stringify({ type: 'ping', id: `hb:${this.options.now()}` }));
  }

  private adopt(limits: Limits): void {
    this.limits = limits;
    this.heartbeat?.setIdle(limits.heartbeatMs);
  }

  private dispatch(event: ClientEvent, reason?: FailureReason): void {
    const previous = this.current;
    this.current = nextState(previous, event);
    if (this.current === previous) return;
    this.since = this.options.now();
    this.events.emit('state', { state: this.current, previous, at: this.since, ...(reason ? { reason } : {}) });
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

