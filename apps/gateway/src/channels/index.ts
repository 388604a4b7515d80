export { ChannelsModule } from './channels.module.js';
export { ChannelHub, type Joining } from './channel-hub.service.js';
export { ChannelPublisher } from './channel-publisher.service.js';
export { ChannelPermissions, type ChannelActor } from './channel-permissions.service.js';
export { matchesPattern, matchesAny } from './channel-patterns.js';
export { apiPublishKey, clientPublishKey } from './idempotency-keys.js';
export { subscribeAckText } from './publication-frames.js';
export { MEMBER_TRANSITIONS, type MemberState } from './member-state.js';
