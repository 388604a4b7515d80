export { loadConfig, ConfigError } from './load-config.js';
export {
  GATEWAY_CONFIG,
  type BackendSettings,
  type ChannelSettings,
  type ConnectionPolicy,
  type EngineKind,
  type EngineSettings,
  type GatewayConfig,
  type JwtSettings,
} from './gateway-config.js';
export { parseOriginEntry, defaultPort, type OriginEntry } from './origin-entry.js';
