// BPF programs and maps in the guest (bpftool -j run through the agent), joined with what Ring0 loaded.
import type { AgentClient } from '../agent/client';
import { listBpfObjects, type ListResult } from '../bpf/loader';
import { parseLinkShow, parseMapDump, parseMapShow, parseProgShow, type BpfLinkInfo, type BpfMapInfo, type BpfProgInfo, type MapDump } from './bpftool';

export type ObserveAgent = Pick<AgentClient, 'run'>;

export interface ProgRow extends BpfProgInfo {
  /** Links (bpftool link show) that attach this program. */
  links: BpfLinkInfo[];
  /** The Ring0-loaded object that pinned it, if any. */
  object?: string;
  pinned?: string;
}

export interface MapRow extends BpfMapInfo {
  object?: string;
  pinned?: string;
}

const STATS = '/proc/sys/kernel/bpf_stats_enabled';

async function bpftool(agent: ObserveAgent, args: string[], timeoutMs = 30_000): Promise<Buffer> {
  const r = await agent.run(['bpftool', '-j', ...args], { timeoutMs });
  if (r.exitCode !== 0) throw new Error(`bpftool ${args.join(' ')} failed (exit ${r.exitCode}): ${r.stderr.toString().trim() || r.stdout.toString().trim()}`);
  return r.stdout;
}

/** Ring0's pins; an empty list when the loader is not there (nothing Ring0-loaded). */
async function ring0Objects(agent: ObserveAgent): Promise<ListResult['objects']> {
  try {
    return (await listBpfObjects(agent)).objects;
  } catch {
    return [];
  }
}

/**
 * All programs in the guest. With statsMs, kernel BPF stats are enabled for that long (then restored
 * to their previous setting) so run_cnt/run_time_ns cover the window.
 */
export async function listProgs(agent: ObserveAgent, opts: { statsMs?: number } = {}): Promise<ProgRow[]> {
  let progsJson: Buffer;
  if (opts.statsMs !== undefined) {
    const secs = (Math.max(0, opts.statsMs) / 1000).toFixed(3);
    const script = 'f=$1; prev=$(cat "$f"); echo 1 > "$f" || exit 1; sleep "$2"; bpftool -j prog show; rc=$?; echo "$prev" > "$f"; exit $rc';
    const r = await agent.run(['sh', '-c', script, 'ring0-stats', STATS, secs], { timeoutMs: 30_000 + opts.statsMs });
    if (r.exitCode !== 0) throw new Error(`bpftool prog show with stats failed (exit ${r.exitCode}): ${r.stderr.toString().trim()}`);
    progsJson = r.stdout;
  } else {
    progsJson = await bpftool(agent, ['prog', 'show']);
  }
  const [links, objects] = [parseLinkShow(await bpftool(agent, ['link', 'show'])), await ring0Objects(agent)];
  return joinProgs(parseProgShow(progsJson), links, objects);
}

export function joinProgs(progs: BpfProgInfo[], links: BpfLinkInfo[], objects: ListResult['objects']): ProgRow[] {
  return progs.map((p) => {
    const row: ProgRow = { ...p, links: links.filter((l) => l.progId === p.id) };
    for (const o of objects) {
      const pin = o.programs.find((x) => x.id === p.id) ?? o.links.find((x) => x.progId === p.id);
      if (pin) {
        row.object = o.name;
        if (o.programs.includes(pin)) row.pinned = pin.pinned;
        break;
      }
    }
    return row;
  });
}

export async function listMaps(agent: ObserveAgent): Promise<MapRow[]> {
  const maps = parseMapShow(await bpftool(agent, ['map', 'show']));
  return joinMaps(maps, await ring0Objects(agent));
}

export function joinMaps(maps: BpfMapInfo[], objects: ListResult['objects']): MapRow[] {
  return maps.map((m) => {
    const row: MapRow = { ...m };
    for (const o of objects) {
      const pin = o.maps.find((x) => x.id === m.id);
      if (pin) {
        row.object = o.name;
        row.pinned = pin.pinned;
        break;
      }
    }
    return row;
  });
}

/**
 * MAP as an id ("12"), a pin path ("/sys/fs/bpf/..."), or a name: Ring0's pinned map name first,
 * then the kernel's (truncated to 15 characters) map name. Ambiguous names are an error.
 */
export function resolveMapRef(ref: string, maps: MapRow[]): MapRow {
  if (/^\d+$/.test(ref)) {
    const m = maps.find((x) => x.id === Number(ref));
    if (!m) throw new Error(`no BPF map with id ${ref}`);
    return m;
  }
  if (ref.startsWith('/')) {
    const m = maps.find((x) => x.pinned === ref);
    if (!m) throw new Error(`no Ring0-pinned map at ${ref}`);
    return m;
  }
  const pinnedByName = maps.filter((x) => x.pinned && x.pinned.split('/').pop() === ref);
  const byName = pinnedByName.length ? pinnedByName : maps.filter((x) => x.name === ref || (ref.length > 15 && x.name === ref.slice(0, 15)));
  if (byName.length === 0) throw new Error(`no BPF map named '${ref}' (see ring0 bpf maps)`);
  if (byName.length > 1) throw new Error(`'${ref}' names ${byName.length} maps (ids ${byName.map((m) => m.id).join(', ')}); give an id`);
  return byName[0];
}

export interface DumpResult extends MapDump {
  map: MapRow;
}

/** MAP (id, name or pin path) → the map and bpftool's way to name it; a pin path Ring0 did not make is used as is. */
export async function lookupMap(agent: ObserveAgent, ref: string): Promise<{ map: MapRow; target: string[] }> {
  const maps = await listMaps(agent);
  if (ref.startsWith('/') && !maps.some((m) => m.pinned === ref)) {
    const shown = await agent.run(['bpftool', '-j', 'map', 'show', 'pinned', ref], { timeoutMs: 30_000 });
    if (shown.exitCode !== 0) throw new Error(`no BPF map pinned at ${ref} (${shown.stderr.toString().trim() || `bpftool exit ${shown.exitCode}`})`);
    const map: MapRow = { ...parseMapShow(`[${shown.stdout.toString()}]`)[0], pinned: ref };
    return { map, target: ['pinned', ref] };
  }
  const map = resolveMapRef(ref, maps);
  return { map, target: ['id', String(map.id)] };
}

/** Entries of a map, decoded by BTF when it has BTF. A pin path that Ring0 did not make is dumped directly. */
export async function dumpMap(agent: ObserveAgent, ref: string): Promise<DumpResult> {
  const { map, target } = await lookupMap(agent, ref);
  const dump = parseMapDump(await bpftool(agent, ['map', 'dump', ...target], 120_000));
  return { map, ...dump };
}
