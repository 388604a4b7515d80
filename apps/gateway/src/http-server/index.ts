export { GatewayExpressAdapter } from './gateway-express.adapter.js';
