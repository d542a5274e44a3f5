// Parsers for bpftrace's output: `-f json` lines (printed maps: count(), sum(), hist(), lhist(), stats())
// into typed records the UI can chart, and its default text output as a fallback (pure).
export interface HistBucket {
  /** Inclusive lower bound; null for the "(..., 0)" / "below min" bucket. */
  min: number | null;
  /** Inclusive upper bound; null for the "[N, ...)" / "above max" bucket. */
  max: number | null;
  count: number;
  /** As bpftrace prints it: "[4, 8)", "(..., 0)", "[10, ...)". */
  label: string;
}

export interface StatsValue {
  count: number;
  average: number;
  total: number;
}

export type MapValue = number | string | StatsValue;

export type BpftraceOutput =
  | { kind: 'attached'; probes: number }
  | { kind: 'printf'; text: string }
  /** A scalar map (`@x = 5`, `@s = sum(...)`, `@a = avg(...)` without keys). */
  | { kind: 'value'; map: string; value: MapValue }
  /** A keyed map (`@c[comm] = count()`): entries as bpftrace printed them (it sorts by value). */
  | { kind: 'keyed'; map: string; entries: Array<{ key: string; value: MapValue }> }
  /** hist()/lhist(): one series without keys (key null), or one per key. */
  | { kind: 'hist'; map: string; series: Array<{ key: string | null; buckets: HistBucket[] }> }
  | { kind: 'lost'; events: number }
  /** A line that is not bpftrace JSON (warnings, `print` of text, garbage). */
  | { kind: 'text'; text: string }
  /** Any other JSON record type (time, join, syscall, helper_error, ...): kept as is. */
  | { kind: 'other'; type: string; data: unknown };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function bucketLabel(min: number | null, max: number | null): string {
  if (min === null) return `(..., ${max === null ? '...' : max + 1})`;
  if (max === null) return `[${min}, ...)`;
  return min === max ? `[${min}]` : `[${min}, ${max + 1})`;
}

function buckets(v: unknown): HistBucket[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: HistBucket[] = [];
  for (const b of v) {
    if (!isObj(b) || typeof b.count !== 'number') return undefined;
    const min = typeof b.min === 'number' ? b.min : null;
    const max = typeof b.max === 'number' ? b.max : null;
    out.push({ min, max, count: b.count, label: bucketLabel(min, max) });
  }
  return out;
}

function mapValue(v: unknown): MapValue | undefined {
  if (typeof v === 'number' || typeof v === 'string') return v;
  if (isObj(v) && typeof v.count === 'number' && typeof v.average === 'number' && typeof v.total === 'number') return { count: v.count, average: v.average, total: v.total };
  return undefined;
}

/** One line of `bpftrace -f json`; never throws (anything unexpected comes back as text or other). */
export function parseBpftraceJsonLine(line: string): BpftraceOutput | undefined {
  const t = line.trim();
  if (!t) return undefined;
  let rec: unknown;
  try {
    rec = JSON.parse(t);
  } catch {
    return { kind: 'text', text: line };
  }
  if (!isObj(rec) || typeof rec.type !== 'string') return { kind: 'text', text: line };
  const data = rec.data;
  switch (rec.type) {
    case 'attached_probes':
      if (isObj(data) && typeof data.probes === 'number') return { kind: 'attached', probes: data.probes };
      break;
    case 'printf':
      if (typeof data === 'string') return { kind: 'printf', text: data };
      break;
    // time() and join() are printed text too (text mode prints them inline; join ends its line).
    case 'time':
      if (typeof data === 'string') return { kind: 'printf', text: data };
      break;
    case 'join':
      if (typeof data === 'string') return { kind: 'printf', text: data + '\n' };
      break;
    case 'lost_events':
      if (isObj(data) && typeof data.events === 'number') return { kind: 'lost', events: data.events };
      break;
    case 'map': case 'stats': {
      const entry = isObj(data) ? Object.entries(data)[0] : undefined;
      if (!entry) break;
      const [map, v] = entry;
      const scalar = mapValue(v);
      if (scalar !== undefined) return { kind: 'value', map, value: scalar };
      if (isObj(v)) {
        const entries: Array<{ key: string; value: MapValue }> = [];
        for (const [key, x] of Object.entries(v)) {
          const mv = mapValue(x);
          if (mv === undefined) return { kind: 'other', type: rec.type, data };
          entries.push({ key, value: mv });
        }
        return { kind: 'keyed', map, entries };
      }
      break;
    }
    case 'hist': {
      const entry = isObj(data) ? Object.entries(data)[0] : undefined;
      if (!entry) break;
      const [map, v] = entry;
      const direct = buckets(v);
      if (direct) return { kind: 'hist', map, series: [{ key: null, buckets: direct }] };
      if (isObj(v)) {
        const series: Array<{ key: string | null; buckets: HistBucket[] }> = [];
        for (const [key, x] of Object.entries(v)) {
          const bs = buckets(x);
          if (!bs) return { kind: 'other', type: rec.type, data };
          series.push({ key, buckets: bs });
        }
        return { kind: 'hist', map, series };
      }
      break;
    }
  }
  return { kind: 'other', type: rec.type, data };
}

const SIZE: Record<string, number> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3, T: 1024 ** 4, P: 1024 ** 5 };
function sizeNum(s: string): number | null {
  const m = /^(-?\d+)([KMGTP]?)$/.exec(s.trim());
  return m ? Number(m[1]) * SIZE[m[2]] : null;
}

/** A text histogram row: "[4, 8)   1 |@@@|", "[0]  1 |...|", "(..., 0)  1 |", "[10, ...)  1 |". */
function histRow(line: string): HistBucket | undefined {
  const m = /^([[(])([^\]\)]*)([\])])\s+(\d+)\s+\|/.exec(line);
  if (!m) return undefined;
  const parts = m[2].split(',').map((x) => x.trim());
  const count = Number(m[4]);
  let min: number | null;
  let max: number | null;
  if (parts.length === 1) {
    min = sizeNum(parts[0]);
    max = min;
  } else {
    min = parts[0] === '...' ? null : sizeNum(parts[0]);
    const hi = parts[1] === '...' ? null : sizeNum(parts[1]);
    max = hi === null ? null : hi - 1;
  }
  return { min, max, count, label: `${m[1]}${m[2]}${m[3]}` };
}

/**
 * bpftrace's default text output: "@c[key]: 5" lines become keyed maps (grouped per map, in order),
 * "@x: 5" values, and "@h:" / "@h[key]:" followed by bucket rows become histograms.
 */
export function parseBpftraceText(text: string): BpftraceOutput[] {
  const out: BpftraceOutput[] = [];
  const lines = text.split('\n');
  let keyed: Extract<BpftraceOutput, { kind: 'keyed' }> | undefined;
  let hist: Extract<BpftraceOutput, { kind: 'hist' }> | undefined;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    // A stack as the key (kstack, ustack) spans lines: "@[", one frame a line, "]: 5" (or "]:" and a histogram).
    const open = /^(@\w*)\[(.*)$/.exec(line);
    if (open && !/\]:/.test(open[2])) {
      const frames: string[] = open[2].trim() ? [open[2].trim()] : [];
      let j = i + 1;
      // The block ends with "]: 5", or ", comm]: 5" when more keys follow the stack.
      const close = /^\s*(?:,.*)?\]:/;
      while (j < lines.length && !close.test(lines[j]) && j - i < 1024) frames.push(lines[j++].trim());
      if (j < lines.length && close.test(lines[j])) {
        line = `${open[1]}[${frames.filter(Boolean).join('\n')}\n${lines[j].trim()}`;
        i = j;
      }
    }
    const head = /^(@\w*)(?:\[(.*)\])?:\s*(.*)$/s.exec(line);
    if (head) {
      const [, map, key, rest] = head;
      if (rest.trim() === '') {
        // A histogram follows (bpftrace prints an empty value, then bucket rows).
        const bs: HistBucket[] = [];
        while (i + 1 < lines.length && histRow(lines[i + 1])) bs.push(histRow(lines[++i]) as HistBucket);
        // Keyed histograms print one block per key, separated by blank lines; a key seen again starts a new print.
        if (!hist || hist.map !== map || key === undefined || hist.series.some((x) => x.key === key)) {
          hist = { kind: 'hist', map, series: [] };
          out.push(hist);
        }
        hist.series.push({ key: key ?? null, buckets: bs });
        keyed = undefined;
        continue;
      }
      hist = undefined;
      const st = /^count (\d+), average (-?\d+), total (-?\d+)$/.exec(rest.trim());
      const value: MapValue = st ? { count: Number(st[1]), average: Number(st[2]), total: Number(st[3]) } : /^-?\d+$/.test(rest.trim()) ? Number(rest.trim()) : rest.trim();
      if (key === undefined) {
        out.push({ kind: 'value', map, value });
        keyed = undefined;
      } else {
        if (!keyed || keyed.map !== map) {
          keyed = { kind: 'keyed', map, entries: [] };
          out.push(keyed);
        }
        keyed.entries.push({ key, value });
      }
      continue;
    }
    if (line.trim() === '') {
      keyed = undefined;
      continue;
    }
    keyed = undefined;
    hist = undefined;
    const attached = /^Attaching (\d+) probes?\.\.\.$/.exec(line.trim());
    out.push(attached ? { kind: 'attached', probes: Number(attached[1]) } : { kind: 'text', text: line });
  }
  return out;
}

