export { ChannelsModule } from './channels.module.js';
export { ChannelHub } from './channel-hub.service.js';
export { ChannelPublisher } from './channel-publisher.service.js';
export { ChannelPermissions, type ChannelActor } from './channel-permissions.service.js';
export { matchesPattern, matchesAny } from './channel-patterns.js';
export { apiPublishKey } from './idempotency-keys.js';
