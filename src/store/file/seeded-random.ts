/**
 * seeded-random.ts: a small deterministic PRNG for fault injection and seeded tests: sfc32
 * (Chris Doty-Humphrey's Small Fast Chaotic generator, 128-bit state), seeded through splitmix32
 * so that nearby seeds give unrelated streams. The same seed always gives the same sequence, so a
 * failing run is replayed by its seed.
 *
 * Must not: be used where unpredictability matters (it is not cryptographic).
 */

/** splitmix32 step: spreads a 32-bit seed over the state words. */
function splitmix32(state: { value: number }): number {
  state.value = (state.value + 0x9e3779b9) | 0;
  let z = state.value;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed ${seed} is not an integer`);
    const state = { value: (seed ^ Math.floor(seed / 2 ** 32)) | 0 };
    this.a = splitmix32(state);
    this.b = splitmix32(state);
    this.c = splitmix32(state);
    this.d = splitmix32(state);
    for (let round = 0; round < 12; round++) this.next();
  }

  /** The next 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** An integer in [0, bound). */
  int(bound: number): number {
    if (!Number.isInteger(bound) || bound <= 0) throw new RangeError(`bound ${bound}`);
    return Math.floor(this.float() * bound);
  }

  /** An integer in [low, high]. */
  between(low: number, high: number): number {
    return low + this.int(high - low + 1);
  }

  /** True with probability `probability`. */
  chance(probability: number): boolean {
    return probability > 0 && this.float() < probability;
  }

  /** A generator of its own, seeded from this one (so adding draws here does not shift it). */
  fork(): SeededRandom {
    return new SeededRandom(this.next() * 65536 + (this.next() & 0xffff));
  }
}
