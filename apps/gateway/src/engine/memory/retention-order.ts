/** One retained publication, named by its stream and offset (the payload is not held here). */
export interface Retained<S> {
  stream: S;
  offset: number;
}

/** Past this many consumed entries at the front, the array is compacted. */
const COMPACT_AFTER = 1_024;

/**
 * Every publication the node retained, in the order it was retained, across all streams:
 * with one TTL for every channel, the front is always the oldest publication of all, so a
 * node-wide budget can drop it first. Entries whose publication a stream already dropped
 * (count, bytes or TTL) stay until they reach the front and are then skipped.
 */
export class RetentionOrder<S> {
  private entries: Array<Retained<S>> = [];
  private head = 0;

  get size(): number {
    return this.entries.length - this.head;
  }

  push(stream: S, offset: number): void {
    this.entries.push({ stream, offset });
  }

  /** The front entry without removing it. */
  peek(): Retained<S> | undefined {
    return this.entries[this.head];
  }

  /** Removes and returns the front entry. */
  shift(): Retained<S> | undefined {
    const front = this.entries[this.head];
    if (front === undefined) return undefined;
    this.head++;
    if (this.head >= COMPACT_AFTER && this.head * 2 >= this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
    return front;
  }
}
