import { Inject, Injectable } from '@nestjs/common';
import { matchesAny, patternsFromClaim } from './channel-patterns.js';
import { CHANNEL_SETTINGS, type ChannelsSettings } from './channels-settings.js';

/** Whom a permission check is about: a user and the claims of its credential. */
export interface ChannelActor {
  userId: string;
  claims: Record<string, unknown>;
}

/**
 * Who may subscribe and publish where (protocol §6): a user's own `user:<id>` channel,
 * the JWT's `channels` and `publish` claims, and the configured public patterns.
 */
@Injectable()
export class ChannelPermissions {
  constructor(@Inject(CHANNEL_SETTINGS.token) private readonly config: ChannelsSettings) {}

  canSubscribe(actor: ChannelActor, channel: string): boolean {
    return (
      channel === `user:${actor.userId}` ||
      matchesAny(patternsFromClaim(actor.claims.channels), channel) ||
      matchesAny(this.config.channels.publicSubscribe, channel)
    );
  }

  canPublish(actor: ChannelActor, channel: string): boolean {
    return (
      matchesAny(patternsFromClaim(actor.claims.publish), channel) ||
      matchesAny(this.config.channels.publicPublish, channel)
    );
  }
}
