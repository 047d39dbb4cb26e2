/**
 * A small seeded PRNG (sfc32) so the dataset is the same on every run and on
 * every machine: the query-service benchmark reuses it and compares figures.
 */
const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = seed >>> 0;
    for (let i = 0; i < 15; i += 1) this.next();
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Exponential with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }

  /** Log-normal: median `median`, spread `sigma` (natural log units). */
  logNormal(median: number, sigma: number): number {
    const u = 1 - this.next();
    const v = this.next();
    const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * z);
  }

  /** `digits` random hex digits. */
  hex(digits: number): string {
    let out = '';
    while (out.length < digits) {
      // 32 random bits give 8 digits; a table is much faster than toString(16).
      const bits = (this.next() * 4294967296) >>> 0;
      out +=
        HEX_PAIRS[bits >>> 24]! +
        HEX_PAIRS[(bits >>> 16) & 0xff]! +
        HEX_PAIRS[(bits >>> 8) & 0xff]! +
        HEX_PAIRS[bits & 0xff]!;
    }
    return out.length === digits ? out : out.slice(0, digits);
  }

  /**
   * An index in [0, n) skewed toward the low end: a `hotShare` of the draws
   * falls on the first `hotFraction` of the range (hot functions, hot keys).
   */
  skewed(n: number, hotFraction = 0.2, hotShare = 0.6): number {
    const hot = Math.max(1, Math.floor(n * hotFraction));
    if (hot >= n) return this.int(n);
    return this.chance(hotShare) ? this.int(hot) : hot + this.int(n - hot);
  }
}
