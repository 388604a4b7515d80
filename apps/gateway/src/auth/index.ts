export { AuthModule } from './auth.module.js';
export { DevTokenModule } from './dev-token.module.js';
export { TokenVerifier } from './token-verifier.service.js';
export { TicketService } from './ticket.service.js';
export { CredentialError, type Identity } from './identity.js';
