// The BPF view's data (pure): one poll's bpftool prog/map show and entry counts, joined with what Ring0
// loaded, plus per-program run rates from the previous poll's stats.
import type { LoadedObject } from '../../kernel/bpf/loader';
import { parseMapShow, parseProgShow, type BpfMapInfo, type BpfProgInfo } from '../../kernel/observe/bpftool';

export interface ProgView extends BpfProgInfo {
  /** Runs per second and average ns per run since the previous poll (stats on, two polls needed). */
  runsPerSec?: number;
  avgNs?: number;
}

export interface MapView extends BpfMapInfo {
  /** Current number of entries, for maps that can be iterated. */
  entries?: number;
  pinned?: string;
}

export interface BpfSnapshot {
  objects: LoadedObject[];
  progs: Map<number, ProgView>;
  maps: Map<number, MapView>;
  /** Programs and maps no Ring0 object owns (bpftrace's, other tools'). */
  otherProgs: ProgView[];
  otherMaps: MapView[];
  statsOn: boolean;
  at: number;
}

export const EMPTY_SNAPSHOT: BpfSnapshot = { objects: [], progs: new Map(), maps: new Map(), otherProgs: [], otherMaps: [], statsOn: false, at: 0 };

/** Map types whose entries cannot be dumped (or whose dump says nothing about size). */
export const UNCOUNTABLE = new Set(['ringbuf', 'user_ringbuf', 'perf_event_array', 'struct_ops', 'bloom_filter', 'queue', 'stack', 'cgroup_storage', 'percpu_cgroup_storage']);

const SEP = '@@ring0@@';

/**
 * The guest script for one poll: prog show, map show, then "ID N" (entries) per map id given. Entries are
 * counted as raw hex keys in the JSON dump: plain dumps of BTF maps print no "Found N elements".
 * Run as `sh -c SCRIPT ring0-bpfview ID...` (ids are numbers the host checked).
 */
export const POLL_SCRIPT = `bpftool -j prog show; echo; echo ${SEP}; bpftool -j map show; echo; echo ${SEP}; for id; do echo "$id $(bpftool -j map dump id "$id" 2>/dev/null | grep -o '"key":\\["0x' | wc -l)"; done`;

export interface PollOutput {
  progs: BpfProgInfo[];
  maps: BpfMapInfo[];
  counts: Map<number, number>;
}

export function parsePollOutput(text: string): PollOutput {
  const parts = text.split(`${SEP}\n`);
  if (parts.length !== 3) throw new Error(`unexpected BPF poll output (${parts.length} sections)`);
  const counts = new Map<number, number>();
  for (const m of parts[2].matchAll(/^(\d+) +(\d+)\s*$/gm)) counts.set(Number(m[1]), Number(m[2]));
  return { progs: parseProgShow(parts[0].trim() || '[]'), maps: parseMapShow(parts[1].trim() || '[]'), counts };
}

/** Ids of the maps whose entries the poll counts: Ring0's maps that can be iterated, at most `limit`. */
export function countableMapIds(objects: readonly LoadedObject[], limit = 32): number[] {
  const ids: number[] = [];
  for (const o of objects) for (const m of o.maps) if (m.id !== undefined && !UNCOUNTABLE.has(m.type ?? '')) ids.push(m.id);
  return ids.slice(0, limit);
}

export function buildSnapshot(objects: LoadedObject[], poll: PollOutput, statsOn: boolean, prev: BpfSnapshot, now: number): BpfSnapshot {
  const progs = new Map<number, ProgView>();
  const dt = (now - prev.at) / 1000;
  for (const p of poll.progs) {
    const v: ProgView = { ...p };
    const before = prev.progs.get(p.id);
    if (statsOn && before && before.runCnt !== undefined && p.runCnt !== undefined && dt > 0) {
      const runs = p.runCnt - before.runCnt;
      if (runs >= 0) {
        v.runsPerSec = runs / dt;
        if (runs > 0 && p.runTimeNs !== undefined && before.runTimeNs !== undefined) v.avgNs = (p.runTimeNs - before.runTimeNs) / runs;
      }
    }
    if (v.avgNs === undefined && p.runCnt && p.runTimeNs !== undefined) v.avgNs = p.runTimeNs / p.runCnt;
    progs.set(p.id, v);
  }
  const maps = new Map<number, MapView>();
  for (const m of poll.maps) {
    const v: MapView = { ...m };
    const n = poll.counts.get(m.id);
    if (n !== undefined) v.entries = n;
    maps.set(m.id, v);
  }
  const ownedProgs = new Set<number>();
  const ownedMaps = new Set<number>();
  for (const o of objects) {
    for (const p of o.programs) if (p.id !== undefined) ownedProgs.add(p.id);
    for (const l of o.links) if (l.progId !== undefined) ownedProgs.add(l.progId);
    for (const m of o.maps) {
      if (m.id === undefined) continue;
      ownedMaps.add(m.id);
      const v = maps.get(m.id);
      if (v) v.pinned = m.pinned;
    }
  }
  // Maps a Ring0 program uses (e.g. .rodata, .bss) count as the object's too.
  for (const id of ownedProgs) for (const mid of progs.get(id)?.mapIds ?? []) ownedMaps.add(mid);
  return {
    objects,
    progs,
    maps,
    otherProgs: [...progs.values()].filter((p) => !ownedProgs.has(p.id)),
    otherMaps: [...maps.values()].filter((m) => !ownedMaps.has(m.id)),
    statsOn,
    at: now,
  };
}

/** "1234567" → "1.23M"; small numbers stay exact. */
export function compact(n: number): string {
  const a = Math.abs(n);
  if (a < 10_000) return Number.isInteger(n) ? String(n) : n.toFixed(1);
  for (const [div, unit] of [[1e9, 'G'], [1e6, 'M'], [1e3, 'k']] as const) if (a >= div) return `${(n / div).toFixed(a / div >= 100 ? 0 : 1)}${unit}`;
  return String(n);
}

export function progStatsText(p: ProgView): string | undefined {
  if (p.runCnt === undefined) return undefined;
  const parts = [`${compact(p.runCnt)} runs`];
  if (p.runsPerSec !== undefined) parts.push(`${compact(Math.round(p.runsPerSec))}/s`);
  if (p.avgNs !== undefined) parts.push(`${compact(Math.round(p.avgNs))} ns/run`);
  return parts.join(' · ');
}

export function mapSizeText(m: Pick<MapView, 'keySize' | 'valueSize' | 'maxEntries' | 'entries'>): string {
  const entries = m.entries !== undefined ? `${m.entries}/${m.maxEntries} entries` : `max ${m.maxEntries}`;
  return `key ${m.keySize} B · value ${m.valueSize} B · ${entries}`;
}
