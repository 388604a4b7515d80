import { EventEmitter } from 'node:events';
import type { Json } from '@switchboard/protocol';
import { waitFor } from './wait.js';

/**
 * One thing an SDK client under test reported, as a JSON record: `state`, `error`,
 * `welcome`, `retry`, the subscription's `message`, `reset`, `subscription` (its state) and
 * `subscription-error`, and `reply` / `inspect` answering a command by its `ref`.
 * sdk-child-script.mjs and the browser page print the same records.
 */
export type SdkEvent = { event: string; ref?: number; [field: string]: any };

/**
 * The events of one SDK client, in order, and bounded waits on them. Once the client's
 * host is gone (its process exited, its page threw) every wait rejects with why.
 */
export class EventLog {
  readonly events: SdkEvent[] = [];
  private readonly changes = new EventEmitter();
  private death?: string;

  push(event: SdkEvent): void {
    this.events.push(event);
    this.changes.emit('change');
  }

  /** The host is gone: waits reject with `reason` from now on. */
  die(reason: string): void {
    this.death ??= reason;
    this.changes.emit('change');
  }

  /** Why the host is gone, if it is. */
  get dead(): string | undefined {
    return this.death;
  }

  /** Resolves with the first event at index `from` or later that matches `test`. */
  next(test: (event: SdkEvent) => boolean, what: string, options: { from?: number; timeoutMs?: number } = {}): Promise<SdkEvent> {
    return this.nth(1, test, what, options);
  }

  /** Resolves with the `n`th event (1 is the first) at index `from` or later that matches `test`. */
  nth(n: number, test: (event: SdkEvent) => boolean, what: string, options: { from?: number; timeoutMs?: number } = {}): Promise<SdkEvent> {
    return waitFor(
      this.changes,
      'change',
      () => {
        const found = this.events.slice(options.from ?? 0).filter(test)[n - 1];
        if (found) return found;
        if (this.death !== undefined) throw new Error(`gone while waiting for ${what}: ${this.death.split('\n')[0]}`);
        return undefined;
      },
      what,
      options.timeoutMs,
    );
  }

  /** The events named `event`. */
  named(event: string): SdkEvent[] {
    return this.events.filter((e) => e.event === event);
  }

  /** Resolves when the client's state becomes `state` at index `from` or later. */
  state(state: string, options: { from?: number; timeoutMs?: number } = {}): Promise<SdkEvent> {
    return this.next((e) => e.event === 'state' && e.state === state, `state "${state}"`, options);
  }
}

/** A client under test, in a child process or a browser page: commands answer with their `reply` / `inspect` event. */
export interface SdkUnderTest {
  readonly log: EventLog;
  request(type: string, payload: Json, timeoutMs?: number): Promise<SdkEvent>;
  /** Stats, and whether `Object.prototype` is still clean. */
  inspect(): Promise<SdkEvent>;
}
