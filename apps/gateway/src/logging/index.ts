export { LoggingModule } from './logging.module.js';
export { pathOnly, REDACTED_PATHS } from './logger-params.js';
