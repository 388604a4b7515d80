/** How long the contract waits for an asynchronous delivery before it fails the case. */
const DELIVERY_TIMEOUT_MS = 2_000;

/**
 * Resolves once `condition` holds: an engine may deliver to listeners after `publish`
 * resolves (Redis does), so cases wait for what they count instead of assuming it is there.
 * Real time on purpose: delivery is the engine's I/O, not its clock.
 */
export async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + DELIVERY_TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
