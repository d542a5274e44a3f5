// bpftrace's `-f json` output (pure): one JSON object per line — printf text, printed maps (count(),
// sum(), keyed or not), hist()/lhist() buckets — turned into text lines and chartable maps.

export interface Bucket {
  /** Inclusive lower bound; absent for the "below min" bucket. */
  min?: number;
  /** Inclusive upper bound; absent for the overflow bucket. */
  max?: number;
  count: number;
}

export type PrintedMap =
  | { kind: 'values'; name: string; entries: Array<{ key: string; value: number | string }> }
  | { kind: 'hist'; name: string; /** One series per key; '' for an unkeyed hist. */ series: Array<{ key: string; buckets: Bucket[] }> };

export type BpftraceLine =
  | { kind: 'text'; text: string }
  | { kind: 'map'; map: PrintedMap }
  | { kind: 'info'; text: string };

const isRec = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function bucket(v: unknown): Bucket | undefined {
  if (!isRec(v) || typeof v.count !== 'number') return undefined;
  const b: Bucket = { count: v.count };
  if (typeof v.min === 'number') b.min = v.min;
  if (typeof v.max === 'number') b.max = v.max;
  return b;
}

function buckets(v: unknown): Bucket[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = v.map(bucket);
  return out.every((b): b is Bucket => b !== undefined) ? out : undefined;
}

const scalarText = (v: unknown): number | string => (typeof v === 'number' || typeof v === 'string' ? v : JSON.stringify(v));

export function parseBpftraceLine(line: string): BpftraceLine {
  let j: unknown;
  try {
    j = JSON.parse(line);
  } catch {
    return { kind: 'text', text: line };
  }
  if (!isRec(j) || typeof j.type !== 'string') return { kind: 'text', text: line };
  const data = j.data;
  switch (j.type) {
    case 'printf':
    case 'syscall':
    case 'time':
      return { kind: 'text', text: typeof data === 'string' ? data.replace(/\n$/, '') : JSON.stringify(data) };
    case 'attached_probes':
      return { kind: 'info', text: `Attached ${isRec(data) && typeof data.probes === 'number' ? data.probes : '?'} probe(s)` };
    case 'map':
    case 'value':
    case 'stats': {
      if (!isRec(data)) break;
      const [name, v] = Object.entries(data)[0] ?? [];
      if (name === undefined) break;
      const entries = isRec(v) ? Object.entries(v).map(([key, x]) => ({ key, value: isRec(x) && typeof x.count === 'number' ? x.count : scalarText(x) })) : [{ key: '', value: scalarText(v) }];
      return { kind: 'map', map: { kind: 'values', name, entries } };
    }
    case 'hist':
    case 'lhist': {
      if (!isRec(data)) break;
      const [name, v] = Object.entries(data)[0] ?? [];
      if (name === undefined) break;
      const plain = buckets(v);
      if (plain) return { kind: 'map', map: { kind: 'hist', name, series: [{ key: '', buckets: plain }] } };
      if (isRec(v)) {
        const series = Object.entries(v).map(([key, x]) => ({ key, buckets: buckets(x) ?? [] }));
        return { kind: 'map', map: { kind: 'hist', name, series } };
      }
      break;
    }
    default:
      return { kind: 'info', text: `${j.type}: ${JSON.stringify(data)}` };
  }
  return { kind: 'text', text: line };
}

/** "[4, 8)" style label for a bucket, as bpftrace prints it. */
export function bucketLabel(b: Bucket): string {
  if (b.min === undefined) return `(..., ${b.max ?? ''})`;
  if (b.max === undefined) return `[${human(b.min)}, ...)`;
  return b.min === b.max ? `[${human(b.min)}]` : `[${human(b.min)}, ${human(b.max + 1)})`;
}

function human(n: number): string {
  for (const [div, unit] of [[2 ** 30, 'G'], [2 ** 20, 'M'], [2 ** 10, 'K']] as const) if (n >= div && n % div === 0) return `${n / div}${unit}`;
  return String(n);
}
