// bpftrace's printed maps (parsed by kernel/observe/bpftrace) in the shape the stream page charts (pure):
// keyed and scalar maps as labelled values, hist()/lhist() as labelled buckets.
import type { BpftraceOutput, MapValue } from '../../kernel/observe/bpftrace';

export type PrintedMap =
  | { kind: 'values'; name: string; entries: Array<{ key: string; value: number | string }> }
  | { kind: 'hist'; name: string; /** One series per key; '' for an unkeyed hist. */ series: Array<{ key: string; buckets: Array<{ label: string; count: number }> }> };

/** stats() values chart by their average. */
const chartValue = (v: MapValue): number | string => (typeof v === 'object' ? v.average : v);

export function printedMap(o: BpftraceOutput): PrintedMap | undefined {
  switch (o.kind) {
    case 'value':
      return { kind: 'values', name: o.map, entries: [{ key: '', value: chartValue(o.value) }] };
    case 'keyed':
      return { kind: 'values', name: o.map, entries: o.entries.map((e) => ({ key: e.key, value: chartValue(e.value) })) };
    case 'hist':
      return { kind: 'hist', name: o.map, series: o.series.map((s) => ({ key: s.key ?? '', buckets: s.buckets.map((b) => ({ label: b.label, count: b.count })) })) };
    default:
      return undefined;
  }
}
