import type { Disposer } from '../emitter.js';

/** The listeners of an observer: each `add` returns its disposer; `notify` calls a copy, so a listener may unsubscribe. */
export class Listeners {
  private readonly set = new Set<() => void>();

  constructor(
    /** Called when the first listener is added. */
    private readonly first: () => void = () => undefined,
    /** Called when the last listener is removed. */
    private readonly last: () => void = () => undefined,
  ) {}

  get size(): number {
    return this.set.size;
  }

  add(listener: () => void): Disposer {
    // A function added twice is one listener, removed by either disposer.
    const wrapped = () => listener();
    this.set.add(wrapped);
    if (this.set.size === 1) this.first();
    return () => {
      if (this.set.delete(wrapped) && this.set.size === 0) this.last();
    };
  }

  notify(): void {
    for (const listener of [...this.set]) listener();
  }
}
