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
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly target: CredentialTarget,
    private readonly beforeExpiryMs: number,
    private readonly now: () => number,
  ) {}

  schedule(expiresAt: number): void {
    this.stop();
    const lifetime = expiresAt - this.now();
    const lead = Math.min(this.beforeExpiryMs, lifetime / 2);
    // setTimeout fires at once past 2^31-1 ms: clamp far-future expiries.
    this.timer = setTimeout(() => void this.refresh(), Math.min(Math.max(0, lifetime - lead), 2_147_483_647));
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private async refresh(): Promise<void> {
    try {
      this.schedule(await this.target.authenticate(await this.target.getToken()));
    } catch (error) {
      this.target.error(error instanceof SwitchboardError ? error : new SwitchboardError('UNAUTHORIZED', String(error)));
    }
  }
}
