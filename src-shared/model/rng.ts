/** A generator's position (see Rng.getState); `seed` guards against restoring into another stream. */
export interface RngState {
  seed: number;
  words: [number, number, number, number];
  spareNormal: number | null;
}

/**
 * A seeded random generator (sfc32 seeded through splitmix32). Every random choice of a run comes
 * from one of these, derived from the run's seed, so that a run is reproducible from its config.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    let s = this.seed;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`Rng.int needs a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box-Muller, the second value kept for the next call). */
  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Standard Gumbel sample: -log(-log(U)). */
  gumbel(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return -Math.log(-Math.log(u));
  }

  /** One element of a non-empty array, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick needs a non-empty array');
    return items[this.int(items.length)];
  }

  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** Everything the next draw depends on (the four words and the spare normal), as plain JSON for a checkpoint. */
  getState(): RngState {
    // Some words are held as signed 32-bit after an XOR; every use reads them mod 2^32, so unsigned is the same state.
    return { seed: this.seed, words: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0], spareNormal: this.spareNormal };
  }

  /** Continues exactly where the generator that gave `state` was; refuses a state of another seed. */
  setState(state: RngState): void {
    const { words, spareNormal } = state;
    if (state.seed !== this.seed) throw new Error(`the saved random state belongs to seed ${state.seed}, this generator has seed ${this.seed}`);
    if (!Array.isArray(words) || words.length !== 4 || !words.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
      throw new Error('a saved random state needs four unsigned 32-bit words');
    }
    if (spareNormal !== null && typeof spareNormal !== 'number') throw new Error('a saved random state has a spare normal that is not a number');
    [this.a, this.b, this.c, this.d] = words;
    this.spareNormal = spareNormal;
  }

  /**
   * An independent generator for a named sub-task, derived from the seed alone (not from this
   * generator's position), so adding draws in one place leaves every other sub-task's draws unchanged.
   */
  fork(label: string): Rng {
    let h = 2166136261 ^ this.seed;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 16777619) >>> 0;
    return new Rng(h >>> 0);
  }
}
