export { SessionModule } from './session.module.js';
export { SessionOpener } from './session-opener.service.js';
