import { SECRET_ENV } from '../../support/tokens.js';

/** The environment of the fuzz suites' gateways: a rate limit no stream reaches, and public `fuzz:*` channels. */
export const FUZZ_ENV = {
  ...SECRET_ENV,
  // The schema caps both at 1,000,000: far more than the 25,000 frames each user sends.
  RATE_LIMIT_MESSAGES: '1000000',
  RATE_LIMIT_BURST: '1000000',
  CHANNELS_PUBLIC_SUBSCRIBE: 'fuzz:*',
  CHANNELS_PUBLIC_PUBLISH: 'fuzz:*',
  // What the fuzz publishes is kept by design; a small node budget makes the memory bound
  // in frame-fuzzer.test.ts about leaks, not about history doing its job.
  HISTORY_MAX_TOTAL_BYTES: '8388608',
  LOG_LEVEL: 'info',
};
