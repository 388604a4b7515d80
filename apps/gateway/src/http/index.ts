export { GatewayHttpException } from './gateway-http.exception.js';
export { HttpErrorFilter } from './http-error.filter.js';
export { publicUrls, type PublicUrls } from './public-url.js';
