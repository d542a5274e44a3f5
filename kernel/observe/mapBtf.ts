// The BTF that describes a map in the guest (its own, or a program's that uses it), through ring0-bpf-loader map-btf.
import type { AgentClient } from '../agent/client';
import { ensureLoaderBinary } from '../bpf/loaderBuild';
import { Btf } from '../elf/btf';
import { cacheDir } from '../util/paths';

export interface MapBtf {
  btf: Btf;
  btfId: number;
  /** The map's own BTF (key/value type ids are set) rather than a program's. */
  own: boolean;
  /** 0 when unknown. */
  keyTypeId: number;
  valueTypeId: number;
}

/** ring0-bpf-loader on the host; the guest runs it from the host-root share. */
export async function loaderPathOf(opts: { loaderPath?: string }): Promise<string> {
  return opts.loaderPath ?? ensureLoaderBinary({ cacheDir: cacheDir() });
}

/** Undefined when neither the map nor any program using it has BTF. */
export async function mapBtf(agent: Pick<AgentClient, 'run'>, mapId: number, opts: { loaderPath?: string } = {}): Promise<MapBtf | undefined> {
  const r = await agent.run([await loaderPathOf(opts), 'map-btf', '--id', String(mapId)], { timeoutMs: 30_000 });
  if (r.exitCode === 3) return undefined;
  const stderr = r.stderr.toString('utf8');
  if (r.exitCode !== 0) throw new Error(`reading the BTF of map ${mapId} failed: ${stderr.trim() || `exit ${r.exitCode}`}`);
  const m = /^#map (\{.*\})$/m.exec(stderr);
  const info = m ? (JSON.parse(m[1]) as Record<string, unknown>) : {};
  const n = (k: string) => (typeof info[k] === 'number' ? (info[k] as number) : 0);
  return { btf: Btf.parse(r.stdout), btfId: n('btfId'), own: info.own === true, keyTypeId: n('keyTypeId'), valueTypeId: n('valueTypeId') };
}
