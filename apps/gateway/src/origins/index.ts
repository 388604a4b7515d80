export { OriginsModule } from './origins.module.js';
export { OriginPolicy } from './origin-policy.js';
export { OriginGuard } from './origin.guard.js';
