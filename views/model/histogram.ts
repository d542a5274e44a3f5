// Chart data for the stream page (pure): a histogram of a numeric field over equal-width bins, and a
// per-second rate series kept to a fixed window.

export interface Histogram {
  /** Left edge of each bin; bin i covers [edges[i], edges[i] + width). */
  edges: number[];
  counts: number[];
  width: number;
}

/** Equal-width bins over the finite values; `bins` at most, fewer when the values are few integers. */
export function histogram(values: readonly number[], bins = 20): Histogram {
  let lo = Infinity;
  let hi = -Infinity;
  let n = 0;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    n++;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (n === 0) return { edges: [], counts: [], width: 0 };
  if (lo === hi) return { edges: [lo], counts: [n], width: 1 };
  const allInt = values.every((v) => !Number.isFinite(v) || Number.isInteger(v));
  let width = (hi - lo) / bins;
  if (allInt) width = Math.max(1, Math.ceil((hi - lo + 1) / bins));
  const count = allInt ? Math.ceil((hi - lo + 1) / width) : bins;
  const counts = new Array<number>(count).fill(0);
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    counts[Math.min(count - 1, Math.floor((v - lo) / width))]++;
  }
  return { edges: counts.map((_, i) => lo + i * width), counts, width };
}

/** Per-second counts keyed by whole seconds, keeping the last `keep` seconds. */
export class RateSeries {
  private readonly secs: number[] = [];
  private readonly counts: number[] = [];

  constructor(private readonly keep = 120) {}

  add(sec: number, count: number): void {
    const last = this.secs.length ? this.secs[this.secs.length - 1] : undefined;
    if (last !== undefined && sec < last) return;
    if (last === sec) this.counts[this.counts.length - 1] += count;
    else {
      // Seconds without events are zeros, so the line drops instead of bridging the gap.
      for (let s = last === undefined ? sec : last + 1; s < sec && sec - s < this.keep; s++) this.push(s, 0);
      this.push(sec, count);
    }
  }

  private push(sec: number, count: number): void {
    this.secs.push(sec);
    this.counts.push(count);
    while (this.secs.length > this.keep) {
      this.secs.shift();
      this.counts.shift();
    }
  }

  data(): [number[], number[]] {
    return [this.secs.slice(), this.counts.slice()];
  }
}

/** Numeric fields of a record sample: candidates for the histogram. */
export function numericFields(records: ReadonlyArray<Record<string, unknown>>): string[] {
  const out = new Set<string>();
  const seen = new Set<string>();
  for (const r of records) {
    for (const [k, v] of Object.entries(r)) {
      if (typeof v === 'number' && !seen.has(k)) out.add(k);
      else if (typeof v !== 'number' && v !== undefined) {
        seen.add(k);
        out.delete(k);
      }
    }
  }
  return [...out];
}
