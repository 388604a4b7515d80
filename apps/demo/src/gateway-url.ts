/**
 * The gateway the demo talks to: by default the origin that served the page (the gateway
 * serves the demo at /demo/ in development mode), else `?gateway=http://host:port`.
 */
export function gatewayUrl(location: Location): string {
  const url = new URLSearchParams(location.search).get('gateway') ?? location.origin;
  return url.replace(/\/+$/, '');
}
