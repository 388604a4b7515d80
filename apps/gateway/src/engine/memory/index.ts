export { MemoryEngine, type MemoryEngineOptions } from './memory-engine.js';
export { takeToken, fullAfterMs, type BucketState } from './token-bucket.js';
