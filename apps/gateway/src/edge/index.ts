export { EdgeModule } from './edge.module.js';
export { HttpEdge, type UpgradeRoute } from './http-edge.service.js';
export { RouteTable, type RouteMatch } from './route-table.js';
export { GatewayExpressAdapter } from './gateway-express.adapter.js';
export { SwitchboardWsAdapter } from './switchboard-ws.adapter.js';
