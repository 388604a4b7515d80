/** mulberry32: a tiny 32-bit PRNG; the same seed gives the same sequence on every machine. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Convenience draws over a {@link mulberry32} stream. */
export class Rng {
  private readonly next: () => number;

  constructor(readonly seed: number) {
    this.next = mulberry32(seed);
  }

  float(): number {
    return this.next();
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  bytes(length: number): Buffer {
    const out = Buffer.allocUnsafe(length);
    for (let i = 0; i < length; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }

  /** A string of `length` UTF-16 code units drawn from `alphabet`. */
  stringOf(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** Any UTF-16 code units, lone surrogates and control characters included. */
  unicode(length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) {
      const roll = this.next();
      if (roll < 0.6) out += String.fromCharCode(0x20 + Math.floor(this.next() * 0x5f));
      else if (roll < 0.75) out += String.fromCharCode(Math.floor(this.next() * 0x20));
      else if (roll < 0.85) out += String.fromCharCode(0xd800 + Math.floor(this.next() * 0x800));
      else out += String.fromCharCode(Math.floor(this.next() * 0x10000));
    }
    return out;
  }
}
