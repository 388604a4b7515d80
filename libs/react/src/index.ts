'use client';

// The hooks and provider run in the browser; the directive lets Next.js server components render <SwitchboardProvider> as a client boundary.
export { SwitchboardProvider, type SwitchboardProviderProps } from './provider.js';
export { useWebSocket, type WebSocketApi } from './use-web-socket.js';
export { useChannel, DEFAULT_MESSAGE_LIMIT, type ChannelApi, type UseChannelOptions } from './use-channel.js';
export { useOptimisticChannel, type OptimisticItem, type OptimisticChannelApi, type UseOptimisticChannelOptions } from './use-optimistic-channel.js';
export { useMessage } from './use-message.js';
export { useConnectionStats } from './use-connection-stats.js';
export type { ConnectionSnapshot, ChannelReset } from '@switchboard/client/observers';
