export { loadConfig, ConfigError } from './load-config.js';
export {
  GATEWAY_CONFIG,
  type BackendSettings,
  type ChannelSettings,
  type ConnectionPolicy,
  type EngineKind,
  type EngineChoice,
  type GatewayConfig,
  type JwtSettings,
} from './gateway-config.js';
export { ConfigModule } from './config.module.js';
export { configSlice, provideSlice, type ConfigSlice, type SliceOf } from './config-slice.js';
export { parseOriginEntry, defaultPort, type OriginEntry } from './origin-entry.js';
