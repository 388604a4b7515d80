/** Where the demo app is mounted; the trailing-slash form is the one its relative asset URLs need. */
export const DEMO_PATH = '/demo';

/** The demo's address as printed at start, in the dev-mode banner's `localhost` style. */
export function demoUrl(port: number): string {
  return `http://localhost:${port}${DEMO_PATH}/`;
}
