import { Injectable } from '@nestjs/common';
import type { ClientFrame } from '@switchboard/protocol';
import { ApplicationHandler } from './application.handler.js';
import { AuthHandler } from './auth.handler.js';
import type { FrameHandler } from './frame-handler.js';
import { PingHandler } from './ping.handler.js';
import { PublishHandler } from './publish.handler.js';
import { SubscribeHandler } from './subscribe.handler.js';
import { UnsubscribeHandler } from './unsubscribe.handler.js';

/** The handler of every frame type: one per built-in type, the application handler for the rest. */
@Injectable()
export class FrameHandlers {
  /** A `Map`: the key is the client's `type`, and `constructor` must not find `Object.prototype`'s. */
  private readonly builtIn: ReadonlyMap<string, FrameHandler>;

  constructor(
    ping: PingHandler,
    auth: AuthHandler,
    subscribe: SubscribeHandler,
    unsubscribe: UnsubscribeHandler,
    publish: PublishHandler,
    private readonly application: ApplicationHandler,
  ) {
    const handlers: FrameHandler[] = [ping, auth, subscribe, unsubscribe, publish];
    this.builtIn = new Map(handlers.map((handler) => [handler.name, handler]));
  }

  /** The handler that answers frames of `type`. */
  get(type: ClientFrame['type']): FrameHandler {
    return this.builtIn.get(type) ?? this.application;
  }
}
