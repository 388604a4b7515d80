export { BACKEND_BRIDGE, type BackendBridge, type BackendOutcome, type BackendRequest } from './backend-bridge.js';
export { BackendsModule } from './backends.module.js';
export { SIGNATURE_HEADER, signBody, verifyBodySignature } from './body-signature.js';
export type { BackendRequestOutcome } from './http-backend-bridge.js';
export { NO_BACKEND_MESSAGE } from './no-backend-bridge.js';
