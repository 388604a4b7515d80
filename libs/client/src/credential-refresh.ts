import type { Timers } from './clock.js';
import type { Disposer } from './emitter.js';
import { SwitchboardError } from './errors.js';

/** What the refresher needs from the client. */
export interface CredentialTarget {
  getToken(): string | Promise<string>;
  /** Sends `auth` in-band and resolves with the new `expiresAt`. */
  authenticate(token: string): Promise<number>;
  error(error: SwitchboardError): void;
}

/**
 * Gets a new token before the connection's credential expires and sends it in-band, so a
 * long session never sees a 4001. A failed refresh leaves the old credential in place:
 * when it expires, the gateway's 4001 and the reconnect path take over.
 */
export class CredentialRefresh {
  private cancel?: Disposer;

  constructor(
    private readonly target: CredentialTarget,
    private readonly beforeExpiryMs: number,
    private readonly timers: Timers,
  ) {}

  schedule(expiresAt: number): void {
    this.stop();
    const lifetime = expiresAt - this.timers.clock.now();
    const lead = Math.min(this.beforeExpiryMs, lifetime / 2);
    this.cancel = this.timers.after(lifetime - lead, () => void this.refresh());
  }

  stop(): void {
    this.cancel?.();
    this.cancel = undefined;
  }

  private async refresh(): Promise<void> {
    try {
      this.schedule(await this.target.authenticate(await this.target.getToken()));
    } catch (error) {
      this.target.error(error instanceof SwitchboardError ? error : new SwitchboardError('UNAUTHORIZED', String(error)));
    }
  }
}
