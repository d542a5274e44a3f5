// A small seeded PRNG (mulberry32) and byte mutators for the fuzz harness: the same seed gives the
// same inputs on every machine, so a failure is reproduced from the seed the run printed.
// Hand-written: a few lines, and fast-check's shrinking/arbitraries are not needed for byte mutation.

export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** Uniform in [0, 2^32). */
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() / 2 ** 32 < p;
  }
}

/** Bytes that tend to matter to parsers: separators, quotes, escapes, line terminators, extremes. */
const INTERESTING = [0, 1, 0x7f, 0x80, 0xff, 0x0a, 0x0d, 0x09, 0x20, 0x22, 0x27, 0x5c, 0x3d, 0x3a, 0x3b, 0x2c, 0x5b, 0x5d, 0x7b, 0x7d, 0x28, 0x29, 0x2d, 0x2e, 0x30, 0x39];
/** Multi-byte tokens mixed in whatever the target: odd line terminators, big numbers, JS built-in names. */
const COMMON_TOKENS = ['\u2028', '\u2029', '\r', '\r\n', '\u0000', '\uFFFD', '\u{1F600}', '__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', '1' + '0'.repeat(400), '-1', '0.5', '1e308', 'NaN', '-0', '4294967295', '18446744073709551616', '9007199254740993'];

export interface MutateOptions {
  /** Inputs grow to this many bytes at most. */
  maxLen: number;
  /** Target-specific tokens (keywords, field names, record prefixes). */
  dict: readonly string[];
  /** Other inputs to splice from. */
  pool: readonly Buffer[];
}

/** One to five stacked mutations of `input`. */
export function mutate(r: Prng, input: Buffer, o: MutateOptions): Buffer {
  let b = input;
  for (let n = 1 + r.int(5); n > 0; n--) b = mutateOnce(r, b, o);
  return b.length > o.maxLen ? b.subarray(0, o.maxLen) : b;
}

function mutateOnce(r: Prng, b: Buffer, o: MutateOptions): Buffer {
  const at = r.int(b.length + 1);
  const token = () => Buffer.from(r.chance(0.6) && o.dict.length ? r.pick(o.dict) : r.pick(COMMON_TOKENS), 'utf8');
  switch (r.int(11)) {
    case 0: { // flip a bit
      if (!b.length) return token();
      const c = Buffer.from(b);
      c[r.int(c.length)] ^= 1 << r.int(8);
      return c;
    }
    case 1: { // an interesting byte
      if (!b.length) return Buffer.from([r.pick(INTERESTING)]);
      const c = Buffer.from(b);
      c[r.int(c.length)] = r.pick(INTERESTING);
      return c;
    }
    case 2: { // random bytes in
      const ins = Buffer.alloc(1 + r.int(8));
      for (let i = 0; i < ins.length; i++) ins[i] = r.int(256);
      return Buffer.concat([b.subarray(0, at), ins, b.subarray(at)]);
    }
    case 3: { // a range out
      const len = 1 + r.int(Math.min(64, Math.max(1, b.length - at)));
      return Buffer.concat([b.subarray(0, at), b.subarray(at + len)]);
    }
    case 4: { // a range copied elsewhere
      if (!b.length) return token();
      const from = r.int(b.length);
      const chunk = b.subarray(from, from + 1 + r.int(32));
      return Buffer.concat([b.subarray(0, at), chunk, b.subarray(at)]);
    }
    case 5: case 6: // a token in
      return Buffer.concat([b.subarray(0, at), token(), b.subarray(at)]);
    case 7: { // a token over what was there
      const t = token();
      return Buffer.concat([b.subarray(0, at), t, b.subarray(at + t.length)]);
    }
    case 8: { // a chunk repeated many times (long lines, deep nesting, backtracking bait)
      const from = r.int(Math.max(1, b.length));
      const chunk = b.length ? b.subarray(from, from + 1 + r.int(8)) : token();
      const times = Math.min(Math.floor(o.maxLen / Math.max(1, chunk.length)), 1 + r.int(r.chance(0.1) ? 4096 : 64));
      return Buffer.concat([b.subarray(0, at), Buffer.concat(Array.from({ length: times }, () => chunk)), b.subarray(at)]);
    }
    case 9: { // spliced with another input
      if (!o.pool.length) return b;
      const other = r.pick(o.pool);
      return Buffer.concat([b.subarray(0, at), other.subarray(r.int(other.length + 1))]);
    }
    default: // truncated
      return b.subarray(0, at);
  }
}
