// bpftrace's printed maps (parsed by kernel/observe/bpftrace) in the shape the stream page charts (pure):
// keyed and scalar maps as labelled values, hist()/lhist() as labelled buckets.
import type { BpftraceOutput, MapValue } from '../../kernel/observe/bpftrace';
import { stackKey, stackLabel } from '../../kernel/observe/stackKeys';

export type PrintedMap =
  | { kind: 'values'; name: string; entries: Array<{ key: string; value: number | string }> }
  | { kind: 'hist'; name: string; /** One series per key; '' for an unkeyed hist. */ series: Array<{ key: string; buckets: Array<{ label: string; count: number }> }> };

/** stats() values chart by their average. */
const chartValue = (v: MapValue): number | string => (typeof v === 'object' ? v.average : v);
/** Stack keys (kstack/ustack) read as "leaf ← caller ← …" instead of a block of lines. */
const keyLabel = (k: string): string => {
  const s = stackKey(k);
  return s ? stackLabel(s) : k;
};

export function printedMap(o: BpftraceOutput): PrintedMap | undefined {
  switch (o.kind) {
    case 'value':
      return { kind: 'values', name: o.map, entries: [{ key: '', value: chartValue(o.value) }] };
    case 'keyed':
      return { kind: 'values', name: o.map, entries: o.entries.map((e) => ({ key: keyLabel(e.key), value: chartValue(e.value) })) };
    case 'hist':
      return { kind: 'hist', name: o.map, series: o.series.map((s) => ({ key: s.key === null ? '' : keyLabel(s.key), buckets: s.buckets.map((b) => ({ label: b.label, count: b.count })) })) };
    default:
      return undefined;
  }
}

/** Longest map name, key or bucket label the page takes (views/protocol/stream checks the same). */
export const MAX_LABEL = 200;
/** Maps per message, entries per map and buckets per series the page takes. */
export const MAX_MAPS = 1000;
export const MAX_ENTRIES = 100_000;

const fitLabel = (s: string) => (s.length <= MAX_LABEL ? s : s.slice(0, MAX_LABEL - 1) + '…');
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/**
 * Makes bpftrace's maps fit what the page accepts instead of letting it drop the whole message: long
 * names, keys and labels are shortened, values that are not finite numbers (a 400-digit value parses
 * as Infinity) and counts that are not whole numbers are left out, and `skipped` says what was.
 */
export function fitMaps(maps: PrintedMap[]): { maps: PrintedMap[]; skipped: string[] } {
  const skipped: string[] = [];
  const out: PrintedMap[] = [];
  for (const m of maps.slice(0, MAX_MAPS)) {
    const name = fitLabel(m.name);
    if (m.kind === 'values') {
      const entries = m.entries.filter((e) => typeof e.value === 'string' || Number.isFinite(e.value));
      const dropped = m.entries.length - entries.length;
      if (dropped) skipped.push(`${name}: ${plural(dropped, 'value')} skipped (not a finite number, e.g. more digits than a double holds)`);
      if (entries.length > MAX_ENTRIES) skipped.push(`${name}: ${plural(entries.length - MAX_ENTRIES, 'entry')} past the first ${MAX_ENTRIES} skipped`);
      out.push({ kind: 'values', name, entries: entries.slice(0, MAX_ENTRIES).map((e) => ({ key: fitLabel(e.key), value: typeof e.value === 'string' ? fitLabel(e.value) : e.value })) });
    } else {
      let dropped = 0;
      const series = m.series.slice(0, MAX_ENTRIES).map((s) => {
        const buckets = s.buckets.filter((b) => Number.isSafeInteger(b.count) && b.count >= 0);
        dropped += s.buckets.length - buckets.length;
        return { key: fitLabel(s.key), buckets: buckets.map((b) => ({ label: fitLabel(b.label), count: b.count })) };
      });
      if (dropped) skipped.push(`${name}: ${plural(dropped, 'bucket')} skipped (count is not a whole number)`);
      if (m.series.length > MAX_ENTRIES) skipped.push(`${name}: ${plural(m.series.length - MAX_ENTRIES, 'key')} past the first ${MAX_ENTRIES} skipped`);
      out.push({ kind: 'hist', name, series });
    }
  }
  if (maps.length > MAX_MAPS) skipped.push(`${plural(maps.length - MAX_MAPS, 'map')} past the first ${MAX_MAPS} skipped`);
  return { maps: out, skipped };
}
