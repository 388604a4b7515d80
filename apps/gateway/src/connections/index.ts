export { ConnectionsModule } from './connections.module.js';
export { ConnectionManager } from './connection-manager.service.js';
export { Connection, type OutgoingFrame } from './connection.js';
export { CONNECTION_TRANSITIONS, type ConnectionState } from './connection-state.js';
