export { RedisEngine, type RedisEngineOptions } from './redis-engine.js';
