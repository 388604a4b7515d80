export { MessagingModule } from './messaging.module.js';
export { SwitchboardWsAdapter } from './switchboard-ws.adapter.js';
export { FrameError, errorFrame } from './frame-error.js';
export { WsErrorFilter } from './ws-error.filter.js';
