export { GatewayHttpException } from './gateway-http.exception.js';
export { HttpErrorFilter } from './http-error.filter.js';
export { publicUrls, type PublicUrls } from './public-url.js';
export { clientAddress, type ProxyTrust } from './client-address.js';
