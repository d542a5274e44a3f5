// What a map table needs from the guest — dump, update, delete — behind one small interface, done with
// bpftool through the agent; a map that no longer resolves is reported as MapGoneError.
import { dumpMap, listMaps, resolveMapRef, type DumpResult, type ObserveAgent } from '../../kernel/observe/bpf';
import { hexArgs } from '../../views/model/mapValue';

export class MapGoneError extends Error {
  override readonly name = 'MapGoneError';
}

export interface MapAccess {
  /** Entries of the map `ref` (id or pin path) with its current info; MapGoneError once it is gone. */
  dump(ref: string): Promise<DumpResult>;
  /** Creates or replaces one entry (per-CPU maps: the value goes to every CPU). */
  update(mapId: number, keyHex: string, valueHex: string): Promise<void>;
  remove(mapId: number, keyHex: string): Promise<void>;
}

async function bpftool(agent: ObserveAgent, args: string[]): Promise<void> {
  const r = await agent.run(['bpftool', ...args], { timeoutMs: 30_000 });
  if (r.exitCode !== 0) throw new Error(`bpftool ${args.slice(0, 4).join(' ')} … failed: ${r.stderr.toString().trim() || r.stdout.toString().trim() || `exit ${r.exitCode}`}`);
}

export function bpftoolMapAccess(agent: () => Promise<ObserveAgent>): MapAccess {
  return {
    async dump(ref) {
      const a = await agent();
      try {
        return await dumpMap(a, ref);
      } catch (e) {
        // Is it gone, or did something else fail? Ask for the list again.
        const maps = await listMaps(a);
        if (ref.startsWith('/') ? !maps.some((m) => m.pinned === ref) : !safeResolves(ref, maps)) {
          throw new MapGoneError(`map ${ref} no longer exists in the VM (unloaded, or the object was reloaded under new ids)`);
        }
        throw e;
      }
    },
    async update(mapId, keyHex, valueHex) {
      await bpftool(await agent(), ['map', 'update', 'id', String(mapId), 'key', 'hex', ...hexArgs(keyHex), 'value', 'hex', ...hexArgs(valueHex)]);
    },
    async remove(mapId, keyHex) {
      await bpftool(await agent(), ['map', 'delete', 'id', String(mapId), 'key', 'hex', ...hexArgs(keyHex)]);
    },
  };
}

function safeResolves(ref: string, maps: Parameters<typeof resolveMapRef>[1]): boolean {
  try {
    resolveMapRef(ref, maps);
    return true;
  } catch {
    return false;
  }
}
