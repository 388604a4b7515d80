export { loadConfig, ConfigError } from './load-config.js';
export { GATEWAY_CONFIG, type GatewayConfig, type JwtSettings, type ConnectionPolicy } from './gateway-config.js';
export { parseOriginEntry, defaultPort, type OriginEntry } from './origin-entry.js';
